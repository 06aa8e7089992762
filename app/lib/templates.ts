/**
 * Starting points a couple can pick and then change: specific, observable, time-limited, with
 * what is *not* shared and what happens after a slip written in from the start.
 */
import type { Category } from "./agreement";

export interface ItemTemplate {
  id: string;
  category: Category;
  title: string;
  commitment: string;
  transparency?: string;
  exclusions?: string;
  frequency?: string;
  taper?: string;
  ifBroken?: string;
}

export const TEMPLATES: ItemTemplate[] = [
  {
    id: "no-contact",
    category: "affair-contact",
    title: "No contact, and telling if contacted",
    commitment: "I will not contact them. If they contact me, I will tell you within a day, without being asked.",
    exclusions: "Who else I talk to about it, and my therapy sessions.",
    taper: "Reviewed after 90 days.",
    ifBroken: "I tell you myself as soon as I can, and we talk it through with our therapist.",
  },
  {
    id: "daily-check-in",
    category: "check-ins",
    title: "A daily check-in",
    commitment: "We take 10 to 15 minutes each evening to say how the day felt, without problem-solving.",
    frequency: "Every evening, or the next morning if one of us is away.",
    taper: "Three times a week after two months, if we both feel ready.",
    ifBroken: "Whoever notices says so kindly, and we pick the next time together.",
  },
  {
    id: "time-out",
    category: "time-out",
    title: "Time-outs when it gets too much",
    commitment: "Either of us can ask for a time-out. We stop, say when we will come back (at least 20 minutes, within a day), and come back even if only to ask for more time.",
    ifBroken: "We name it the next calm moment and agree on what would help next time.",
  },
  {
    id: "talking-limits",
    category: "talking-limits",
    title: "When and where we talk about it",
    commitment: "We talk about the affair only at home, not in front of others, and not after 10 pm.",
    exclusions: "Sessions with our therapist are always open for it.",
    taper: "Reviewed together after a month.",
  },
  {
    id: "phone-openness",
    category: "transparency",
    title: "Openness about phones",
    commitment: "I will answer honestly when you ask who I am messaging, and show you if you ask.",
    transparency: "Who I am in touch with, when you ask.",
    exclusions: "My conversations with friends about how I feel, and my therapist.",
    taper: "Reduced after 90 days; it is not meant to last for ever.",
  },
  {
    id: "work-contacts",
    category: "social-work",
    title: "Telling about work contact",
    commitment: "If I have to work with them, I tell you the same day what it was about.",
    ifBroken: "I tell you as soon as I realise, and we decide together what changes.",
  },
  {
    id: "time-together",
    category: "time-together",
    title: "Time that is just ours",
    commitment: "We keep one evening a week for the two of us, phones away.",
    frequency: "Weekly",
  },
  {
    id: "professional-help",
    category: "professional-help",
    title: "Going to sessions",
    commitment: "We both go to our sessions, and tell each other ahead of time if one has to move.",
    frequency: "As agreed with our therapist",
  },
];
