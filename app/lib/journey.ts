/**
 * The ten steps, as the journey view shows them: warm, plain words; no streaks, no scores, and
 * nothing that sets one partner against the other. Which steps have begun is worked out on the
 * server from what the couple has done (server/services/journey.ts).
 */
export interface JourneyStep {
  n: number;
  title: string;
  asks: string;
  /** Where in Mend this step happens. */
  where: { label: string; href: (roomId: string) => string };
}

export const JOURNEY: JourneyStep[] = [
  { n: 1, title: "Acknowledge the breach", asks: "The partner who broke trust writes what happened, what it did, and takes responsibility without justifying it. The other can answer with what is still missing. Written privately, shared when its author is ready.", where: { label: "Your private space", href: (r) => `/rooms/${r}/private` } },
  { n: 2, title: "Express feelings", asks: "Take turns to speak and to listen, one short part at a time, starting with \u201cI feel\u2026\u201d.", where: { label: "Speak and listen", href: (r) => `/rooms/${r}#exercise-heading` } },
  { n: 3, title: "A safe space", asks: "Agree to the ground rules before your first exercise, and make a plan for time-outs when things get too much.", where: { label: "Speak and listen, and the agreement's time-out plan", href: (r) => `/rooms/${r}#exercise-heading` } },
  { n: 4, title: "Consistent transparency", asks: "Decide together what is shared, for how long, and what stays private; check in on it regularly.", where: { label: "The agreement and its check-ins", href: (r) => `/rooms/${r}#agreement-heading` } },
  { n: 5, title: "Clear boundaries", asks: "Write your commitments together, agree to each one, and sign them when you are both ready.", where: { label: "The agreement", href: (r) => `/rooms/${r}#agreement-heading` } },
  { n: 6, title: "Professional help", asks: "Invite a couples therapist if you would like one. They see the agreement, the exercises and comments, and can moderate; they never see your private space unless you share something with them, and either of you can end their access at any time.", where: { label: "Invite a therapist", href: (r) => `/rooms/${r}#invite-heading` } },
  { n: 7, title: "Apologize sincerely", asks: "Build an apology (what I did, its impact, my responsibility, my commitment, what I will do differently) and deliver it in speak and listen.", where: { label: "Your private space", href: (r) => `/rooms/${r}/private` } },
  { n: 8, title: "Time for healing", asks: "Now and then, note privately how safe and how connected you feel. Only you see your trend, unless you choose to share it.", where: { label: "Your private space", href: (r) => `/rooms/${r}/private#healing` } },
  { n: 9, title: "Forgiveness", asks: "A private reflection, shared only if you choose. Forgiveness is not forgetting, and it takes the time it takes.", where: { label: "Your private space", href: (r) => `/rooms/${r}/private` } },
  { n: 10, title: "Positive experiences", asks: "Plan good things to do together, small and large; mark them done, and keep a few words about how it was.", where: { label: "Things to do together", href: (r) => `/rooms/${r}#together-heading` } },
];

export type StepState = "begun" | "not-yet";
