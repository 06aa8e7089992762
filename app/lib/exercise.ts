/**
 * Speak and listen: the turn-taking exercise as a pure state machine, the same module on client
 * (to show only what is allowed) and server (to enforce it). See docs/speak-and-listen.md for the
 * diagram and the reasons.
 *
 * One partner holds the floor (the speaker) and writes short chunks; the other (the listener)
 * may only paraphrase; the speaker confirms or corrects. PREP passes the floor after a confirmed
 * chunk; Imago adds summary, validation and empathy before the roles swap.
 *
 * `transition` never reads the clock or the document itself: the caller passes `now`, the drafts
 * and who is present, so every rule can be tested exhaustively.
 */

export const EXERCISE_MODES = ["prep", "imago"] as const;
export type ExerciseMode = (typeof EXERCISE_MODES)[number];

/** What the listener writes, in order: PREP uses only the paraphrase. */
export const LISTENER_STEPS = ["paraphrase", "summary", "validation", "empathy"] as const;
export type ListenerStep = (typeof LISTENER_STEPS)[number];
export type Phase = "speaking" | ListenerStep;

export type DraftName = "speaker" | "listener";

/** Time-outs: at least 20 minutes, at most a day (Gottman's guidance on flooding: under 24 hours). */
export const TIME_OUT_MINUTES = { min: 20, max: 24 * 60 } as const;
/** The optional per-chunk timer, in seconds (off by default: WCAG 2.2.1). */
export const TIMER_SECONDS = { min: 30, max: 30 * 60 } as const;
export const TOPIC_MAX_LENGTH = 200;
/** The UI's limit for one chunk or paraphrase: short turns are the point. */
export const CHUNK_MAX_LENGTH = 1_500;
/** Days the partners have to decide whether to keep a transcript; after that it is deleted. */
export const TRANSCRIPT_DECISION_DAYS = 7;

export const GROUND_RULES = [
  "The speaker speaks for themself: \u201cI feel\u2026\u201d, not \u201cyou always\u2026\u201d.",
  "Short parts, so the listener can take each one in.",
  "The listener does not argue back, only says what they heard, in their own words.",
  "No problem-solving now: ideas can be set aside for later with \u201cPark it\u201d.",
  "Either of us can call a time-out at any time, and we come back at the agreed time.",
  "What is shared here is never used as a weapon later.",
] as const;

export interface Pause {
  kind: "time-out" | "hold";
  /** Who called it. */
  by: string;
  startedAt: number;
  /** Time-outs only: when to come back, and who proposed that time (the other may counter). */
  returnAt: number | null;
  proposedBy: string | null;
  /** Time-outs only: partners who said they are ready to continue. */
  ready: string[];
}

export interface Timer {
  seconds: number;
  /** Time spent on the current chunk before `runningSince`. */
  elapsedMs: number;
  /** When it last started running; null while stopped. */
  runningSince: number | null;
  /** Paused by someone (it also stops by itself outside speaking and during a pause). */
  paused: boolean;
}

interface Base {
  id: string;
  mode: ExerciseMode;
  topic: string;
  /** The room's two partners when it was proposed. */
  partners: [string, string];
}

export interface ProposedExercise extends Base {
  status: "proposed";
  proposedBy: string;
  firstSpeaker: string;
  /** Partners who accepted the ground rules. */
  accepted: string[];
}

export interface ActiveExercise extends Base {
  status: "active";
  startedAt: number;
  speaker: string;
  listener: string;
  phase: Phase;
  /** The listener handed in this phase's text; the speaker confirms or corrects it. */
  awaiting: boolean;
  /** The speaker's last chunk was confirmed: they may pass the floor (or, in Imago, say there is no more). */
  chunkConfirmed: boolean;
  /** Turns so far (a turn ends when the floor passes); chunks in this exercise. */
  turn: number;
  chunks: number;
  /** Entries in the exercise log. */
  entries: number;
  pause: Pause | null;
  timer: Timer | null;
}

export interface EndedExercise extends Base {
  status: "ended";
  startedAt: number;
  endedAt: number;
  entries: number;
  turn: number;
  /** Partners who want the transcript kept; it is kept only when both do. */
  keep: string[];
}

export type ExerciseState = ProposedExercise | ActiveExercise | EndedExercise;

export type ExerciseEvent =
  | { type: "propose"; id: string; mode: ExerciseMode; topic: string; firstSpeaker: string }
  | { type: "accept" }
  | { type: "decline" }
  | { type: "end-chunk" }
  | { type: "submit" }
  | { type: "confirm" }
  | { type: "correct" }
  | { type: "pass" }
  | { type: "no-more" }
  | { type: "time-out"; minutes: number }
  | { type: "counter"; minutes: number }
  | { type: "ready" }
  | { type: "hold" }
  | { type: "resume" }
  | { type: "assign"; to: string }
  | { type: "timer-set"; seconds: number | null }
  | { type: "timer-pause" }
  | { type: "timer-resume" }
  | { type: "park" }
  | { type: "end" }
  | { type: "keep" }
  | { type: "discard" };

export type EventType = ExerciseEvent["type"];
export const EVENT_TYPES: readonly EventType[] = [
  "propose", "accept", "decline", "end-chunk", "submit", "confirm", "correct", "pass", "no-more",
  "time-out", "counter", "ready", "hold", "resume", "assign", "timer-set", "timer-pause",
  "timer-resume", "park", "end", "keep", "discard",
];

/** A person's part in the exercise right now. */
export type ExerciseRole = "speaker" | "listener" | "partner" | "therapist";

/**
 * Where the exercise is, as far as who may do what is concerned. Each situation has one row in
 * the table below; `transition` adds the few guards a row cannot express.
 */
export type Situation = "none" | "proposed" | "speaking" | "listening" | "confirming" | "time-out" | "hold" | "ended";

export interface Actor {
  userId: string;
  role: "partner" | "therapist";
}

export interface Context {
  now: number;
  /** The room's partners now (an exercise needs two). */
  partners: string[];
  /** Partners connected to the room now (starting needs both). */
  present: string[];
  drafts: Record<DraftName, string>;
}

/** Kinds of entries in the exercise log. */
export type LogKind = "chunk" | ListenerStep | "unfinished";

/** What the server does besides writing the new state. */
export type Effect =
  /** Move a draft into the log (as `kind`) and clear it, in the same transaction. */
  | { kind: "log"; draft: DraftName; as: LogKind; by: string }
  /** Keep unfinished drafts in the log (so nothing typed is lost) and clear them. */
  | { kind: "set-aside-drafts" }
  /** The exercise is over for good: the log leaves the document; a discarded one leaves the database. */
  | { kind: "close"; outcome: "kept" | "discarded" | "declined" | "empty" };

export type Result =
  | { ok: true; state: ExerciseState | null; effects: Effect[] }
  | { ok: false; code: "forbidden" | "conflict" | "invalid_input"; message: string };

const ALL_ACTIVE: readonly ExerciseRole[] = ["speaker", "listener", "therapist"];
const PARTNERS_ACTIVE: readonly ExerciseRole[] = ["speaker", "listener"];

/**
 * Who may send each event in each situation. Anything missing is refused. This table is the rule
 * the tests and docs/speak-and-listen.md spell out; `transition` checks it first.
 */
export const WHO_MAY: Record<Situation, Partial<Record<EventType, readonly ExerciseRole[]>>> = {
  none: { propose: ["partner", "therapist"] },
  proposed: { accept: ["partner"], decline: ["partner"], end: ["therapist"] },
  speaking: {
    "end-chunk": ["speaker"],
    pass: ["speaker"],
    "no-more": ["speaker"],
    ...common(),
  },
  listening: { submit: ["listener"], ...common() },
  confirming: { confirm: ["speaker"], correct: ["speaker"], ...common() },
  // Nobody can force the other back: only the partners' own "ready" ends a time-out.
  "time-out": { counter: PARTNERS_ACTIVE, ready: PARTNERS_ACTIVE, end: ALL_ACTIVE },
  hold: { resume: ["therapist"], assign: ["therapist"], end: ALL_ACTIVE },
  ended: { keep: ["partner"], discard: ["partner"] },
};

function common(): Partial<Record<EventType, readonly ExerciseRole[]>> {
  return {
    "time-out": ALL_ACTIVE,
    hold: ["therapist"],
    assign: ["therapist"],
    "timer-set": ALL_ACTIVE,
    "timer-pause": ALL_ACTIVE,
    "timer-resume": ALL_ACTIVE,
    park: ALL_ACTIVE,
    end: ALL_ACTIVE,
  };
}

export function situationOf(state: ExerciseState | null): Situation {
  if (!state) return "none";
  if (state.status === "proposed") return "proposed";
  if (state.status === "ended") return "ended";
  if (state.pause) return state.pause.kind;
  if (state.phase === "speaking") return "speaking";
  return state.awaiting ? "confirming" : "listening";
}

export function roleOf(state: ExerciseState | null, actor: Actor): ExerciseRole {
  if (actor.role === "therapist") return "therapist";
  if (state?.status === "active") {
    if (actor.userId === state.speaker) return "speaker";
    if (actor.userId === state.listener) return "listener";
  }
  return "partner";
}

/** May this person send this event now (before the guards that depend on drafts and presence)? */
export function may(state: ExerciseState | null, actor: Actor, type: EventType): boolean {
  if (actor.role === "partner" && state && !state.partners.includes(actor.userId)) return false;
  return WHO_MAY[situationOf(state)][type]?.includes(roleOf(state, actor)) ?? false;
}

/** Who may write each draft: the speaker while speaking, the listener while writing their step. */
export function canWriteDraft(state: ExerciseState | null, userId: string, draft: DraftName): boolean {
  if (state?.status !== "active" || state.pause) return false;
  if (draft === "speaker") return state.phase === "speaking" && userId === state.speaker;
  return state.phase !== "speaking" && !state.awaiting && userId === state.listener;
}

/** The step after a confirmed listener step (Imago), or null when the roles swap. */
function nextStep(step: ListenerStep): ListenerStep | null {
  const i = LISTENER_STEPS.indexOf(step);
  return step === "paraphrase" || i === LISTENER_STEPS.length - 1 ? null : LISTENER_STEPS[i + 1]!;
}

/** The timer runs only while the speaker is speaking, nothing is paused, and nobody paused it. */
function retime(state: ActiveExercise, now: number, newChunk = false): ActiveExercise {
  const t = state.timer;
  if (!t) return state;
  let timer: Timer = newChunk ? { ...t, elapsedMs: 0, runningSince: null } : t;
  const shouldRun = state.phase === "speaking" && !state.pause && !timer.paused;
  if (shouldRun && timer.runningSince === null) timer = { ...timer, runningSince: now };
  if (!shouldRun && timer.runningSince !== null) {
    timer = { ...timer, elapsedMs: timer.elapsedMs + Math.max(0, now - timer.runningSince), runningSince: null };
  }
  return timer === t ? state : { ...state, timer };
}

/** Milliseconds the current chunk's timer has run (for display). */
export function timerElapsed(timer: Timer, now: number): number {
  return timer.elapsedMs + (timer.runningSince === null ? 0 : Math.max(0, now - timer.runningSince));
}

function swap(state: ActiveExercise, now: number): ActiveExercise {
  return retime(
    { ...state, speaker: state.listener, listener: state.speaker, phase: "speaking", awaiting: false, chunkConfirmed: false, turn: state.turn + 1 },
    now,
    true,
  );
}

const refuse = (code: "forbidden" | "conflict" | "invalid_input", message: string): Result => ({ ok: false, code, message });
const ok = (state: ExerciseState | null, effects: Effect[] = []): Result => ({ ok: true, state, effects });

const blank = (text: string) => text.trim().length === 0;

function minutesOk(minutes: number): boolean {
  return Number.isInteger(minutes) && minutes >= TIME_OUT_MINUTES.min && minutes <= TIME_OUT_MINUTES.max;
}

/**
 * Words for a refusal by the table: "forbidden" when someone else could do this now (saying who),
 * "conflict" when nobody can at this point (saying what is going on instead).
 */
function notNow(state: ExerciseState | null, actor: Actor, type: EventType): Result {
  const situation = situationOf(state);
  if (actor.role === "partner" && state && !state.partners.includes(actor.userId)) {
    return refuse("forbidden", "This exercise is between the two partners who started it.");
  }
  const someone = WHO_MAY[situation][type] ?? [];
  const role = roleOf(state, actor);
  if (someone.length > 0) {
    if (role === "therapist") return refuse("forbidden", "Only the partners can do that.");
    if (someone.every((r) => r === "therapist")) return refuse("forbidden", "Only the therapist can do that.");
    if (role === "listener" && situation === "confirming") return refuse("forbidden", "Your partner now says whether you got it. Wait for them.");
    if (role === "listener") return refuse("forbidden", "Your partner has the floor. Listen, and you will get your turn to say what you heard.");
    if (role === "speaker") return refuse("forbidden", "It is your partner's turn to say what they heard. Wait for them, then confirm or correct it.");
    return refuse("forbidden", "That is not possible at this point of the exercise.");
  }
  if (situation === "none") return refuse("conflict", "There is no exercise going on right now.");
  if (situation === "time-out") return refuse("conflict", "You are taking a time-out. The exercise continues when you are both ready.");
  if (situation === "hold") return refuse("conflict", "The exercise is on hold. Your therapist will continue it.");
  if (situation === "ended") return refuse("conflict", "This exercise has ended.");
  if (type === "propose") return refuse("conflict", "An exercise is already under way.");
  return refuse("conflict", "That is not possible at this point of the exercise.");
}

/**
 * The next state for `event` sent by `actor`, or why it is refused. Pure: the same inputs give
 * the same answer on the client and on the server.
 */
export function transition(state: ExerciseState | null, event: ExerciseEvent, actor: Actor, ctx: Context): Result {
  if (!may(state, actor, event.type)) return notNow(state, actor, event.type);
  const { now } = ctx;

  if (state === null) {
    if (event.type !== "propose") return notNow(state, actor, event.type);
    if (new Set(ctx.partners).size !== 2 || ctx.partners.length !== 2) {
      return refuse("conflict", "Speak and listen needs both partners in the room. Invite your partner first.");
    }
    if (actor.role === "partner" && !ctx.partners.includes(actor.userId)) return refuse("forbidden", "Only the partners in this room can start an exercise here.");
    if (!ctx.partners.includes(event.firstSpeaker)) return refuse("invalid_input", "The first speaker has to be one of the partners.");
    const partners = [...ctx.partners].sort() as [string, string];
    return ok({
      status: "proposed",
      id: event.id,
      mode: event.mode,
      topic: event.topic.trim().slice(0, TOPIC_MAX_LENGTH),
      partners,
      proposedBy: actor.userId,
      firstSpeaker: event.firstSpeaker,
      accepted: actor.role === "partner" ? [actor.userId] : [],
    });
  }

  if (state.status === "proposed") {
    if (event.type === "decline" || event.type === "end") return ok(null, [{ kind: "close", outcome: "declined" }]);
    if (event.type !== "accept") return notNow(state, actor, event.type);
    if (state.accepted.includes(actor.userId)) return refuse("conflict", "You have accepted already. Waiting for your partner.");
    const accepted = [...state.accepted, actor.userId];
    if (!state.partners.every((p) => accepted.includes(p))) return ok({ ...state, accepted });
    if (!state.partners.every((p) => ctx.present.includes(p))) {
      return refuse("conflict", "You both need to be here to start. Try again when your partner has the room open.");
    }
    const speaker = state.firstSpeaker;
    const listener = state.partners.find((p) => p !== speaker)!;
    return ok(
      retime(
        {
          status: "active",
          id: state.id,
          mode: state.mode,
          topic: state.topic,
          partners: state.partners,
          startedAt: now,
          speaker,
          listener,
          phase: "speaking",
          awaiting: false,
          chunkConfirmed: false,
          turn: 1,
          chunks: 0,
          entries: 0,
          pause: null,
          timer: null,
        },
        now,
        true,
      ),
    );
  }

  if (state.status === "ended") {
    if (event.type === "discard") return ok(null, [{ kind: "close", outcome: "discarded" }]);
    if (event.type !== "keep") return notNow(state, actor, event.type);
    if (state.keep.includes(actor.userId)) return refuse("conflict", "You chose to keep it already. Waiting for your partner.");
    const keep = [...state.keep, actor.userId];
    if (state.partners.every((p) => keep.includes(p))) return ok(null, [{ kind: "close", outcome: "kept" }]);
    return ok({ ...state, keep });
  }

  // Active.
  const s = state;
  const logged = (n: number) => ({ ...s, entries: s.entries + n });
  switch (event.type) {
    case "end-chunk": {
      if (blank(ctx.drafts.speaker)) return refuse("conflict", "Write what you want to say first.");
      const next = retime({ ...logged(1), phase: "paraphrase", awaiting: false, chunkConfirmed: false, chunks: s.chunks + 1 }, now);
      return ok(next, [{ kind: "log", draft: "speaker", as: "chunk", by: s.speaker }]);
    }
    case "submit": {
      if (blank(ctx.drafts.listener)) return refuse("conflict", "Write what you heard first, in your own words.");
      return ok({ ...logged(1), awaiting: true }, [{ kind: "log", draft: "listener", as: s.phase as ListenerStep, by: s.listener }]);
    }
    case "correct":
      return ok({ ...s, awaiting: false });
    case "confirm": {
      const step = s.phase as ListenerStep;
      if (step === "paraphrase") return ok(retime({ ...s, phase: "speaking", awaiting: false, chunkConfirmed: true }, now, true));
      const next = nextStep(step);
      return ok(next ? { ...s, phase: next, awaiting: false } : swap(s, now));
    }
    case "pass":
    case "no-more": {
      if (event.type === "pass" && s.mode !== "prep") {
        return refuse("conflict", "In this dialogue the roles change after the summary, validation and empathy. Choose \u201cThat\u2019s all for now\u201d when you have said everything.");
      }
      if (event.type === "no-more" && s.mode !== "imago") return refuse("conflict", "In this exercise you pass the floor when you feel understood.");
      if (!s.chunkConfirmed) {
        return refuse("conflict", "Your partner needs to say back what you said, and you to confirm it, before the floor passes.");
      }
      if (!blank(ctx.drafts.speaker)) return refuse("conflict", "You have words in your draft. Share them as another part, or clear them, first.");
      if (event.type === "pass") return ok(swap(s, now));
      return ok(retime({ ...s, phase: "summary", awaiting: false }, now));
    }
    case "time-out": {
      if (!minutesOk(event.minutes)) return refuse("invalid_input", "A time-out lasts from 20 minutes to a day.");
      const returnAt = now + event.minutes * 60_000;
      return ok(retime({ ...s, pause: { kind: "time-out", by: actor.userId, startedAt: now, returnAt, proposedBy: actor.userId, ready: [] } }, now));
    }
    case "counter": {
      const pause = s.pause!;
      if (!minutesOk(event.minutes)) return refuse("invalid_input", "A time-out lasts from 20 minutes to a day.");
      if (pause.proposedBy === actor.userId) return refuse("conflict", "You proposed this time. Your partner can suggest another.");
      return ok({ ...s, pause: { ...pause, returnAt: now + event.minutes * 60_000, proposedBy: actor.userId, ready: [] } });
    }
    case "ready": {
      const pause = s.pause!;
      if (pause.ready.includes(actor.userId)) return refuse("conflict", "You said you are ready. Waiting for your partner.");
      const ready = [...pause.ready, actor.userId];
      if (s.partners.every((p) => ready.includes(p))) return ok(retime({ ...s, pause: null }, now));
      return ok({ ...s, pause: { ...pause, ready } });
    }
    case "hold":
      return ok(retime({ ...s, pause: { kind: "hold", by: actor.userId, startedAt: now, returnAt: null, proposedBy: null, ready: [] } }, now));
    case "resume":
      return ok(retime({ ...s, pause: null }, now));
    case "assign": {
      if (!s.partners.includes(event.to)) return refuse("invalid_input", "The floor can only go to one of the partners.");
      const speaker = event.to;
      const listener = s.partners.find((p) => p !== speaker)!;
      const hasDrafts = !blank(ctx.drafts.speaker) || !blank(ctx.drafts.listener);
      const next = retime(
        { ...logged((blank(ctx.drafts.speaker) ? 0 : 1) + (blank(ctx.drafts.listener) ? 0 : 1)), speaker, listener, phase: "speaking", awaiting: false, chunkConfirmed: false, turn: speaker === s.speaker ? s.turn : s.turn + 1 },
        now,
        true,
      );
      return ok(next, hasDrafts ? [{ kind: "set-aside-drafts" }] : []);
    }
    case "timer-set": {
      if (event.seconds === null) return ok({ ...s, timer: null });
      if (!Number.isInteger(event.seconds) || event.seconds < TIMER_SECONDS.min || event.seconds > TIMER_SECONDS.max) {
        return refuse("invalid_input", "Choose a timer between 30 seconds and 30 minutes, or none.");
      }
      if (!s.timer) return ok(retime({ ...s, timer: { seconds: event.seconds, elapsedMs: 0, runningSince: null, paused: false } }, now));
      // A new length keeps the time this chunk has run, and whether someone paused it.
      const stopped = retime({ ...s, timer: { ...s.timer, paused: true } }, now).timer!;
      return ok(retime({ ...s, timer: { ...stopped, seconds: event.seconds, paused: s.timer.paused } }, now));
    }
    case "timer-pause":
    case "timer-resume": {
      if (!s.timer) return refuse("conflict", "There is no timer on.");
      // Stop it at its current time first, then let retime start it again if it should run.
      const stopped = retime({ ...s, timer: { ...s.timer, paused: true } }, now);
      return ok(retime({ ...stopped, timer: { ...stopped.timer!, paused: event.type === "timer-pause" } }, now));
    }
    case "park":
      return ok(s);
    case "end": {
      const unfinished = (blank(ctx.drafts.speaker) ? 0 : 1) + (blank(ctx.drafts.listener) ? 0 : 1);
      const entries = s.entries + unfinished;
      const effects: Effect[] = unfinished > 0 ? [{ kind: "set-aside-drafts" }] : [];
      if (entries === 0) return ok(null, [...effects, { kind: "close", outcome: "empty" }]);
      return ok(
        { status: "ended", id: s.id, mode: s.mode, topic: s.topic, partners: s.partners, startedAt: s.startedAt, endedAt: now, entries, turn: s.turn, keep: [] },
        effects,
      );
    }
    default:
      return notNow(state, actor, event.type);
  }
}

/** Plain words for each phase, from the point of view of the person reading. */
export function phaseLabel(step: Phase): string {
  return {
    speaking: "Speaking",
    paraphrase: "Saying back what was heard",
    summary: "Summing it all up",
    validation: "Validating: \u201cyou make sense because\u2026\u201d",
    empathy: "Empathy: \u201cI imagine you feel\u2026\u201d",
  }[step];
}

/** What the listener is asked to write in each step. */
export const LISTENER_PROMPTS: Record<ListenerStep, string> = {
  paraphrase: "In your own words, what did you hear?",
  summary: "Sum up everything you heard. Did you get it all?",
  validation: "You make sense because\u2026 (this is understanding, not agreeing)",
  empathy: "I imagine you might feel\u2026",
};

const isStr = (v: unknown): v is string => typeof v === "string";
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const PHASES: readonly string[] = ["speaking", ...LISTENER_STEPS];

/** Parses the state the server wrote into the document; anything malformed reads as no exercise. */
export function readExerciseState(value: unknown): ExerciseState | null {
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v.partners) || v.partners.length !== 2 || !v.partners.every(isStr) || v.partners[0] === v.partners[1]) return null;
  const partners = v.partners as string[];
  const isPartner = (x: unknown) => isStr(x) && partners.includes(x);
  if (!isStr(v.id)) return null;
  if (!EXERCISE_MODES.includes(v.mode as ExerciseMode) || !isStr(v.topic)) return null;
  const ids = (list: unknown) => Array.isArray(list) && list.every(isPartner);
  if (v.status === "proposed") {
    return isStr(v.proposedBy) && isPartner(v.firstSpeaker) && ids(v.accepted) ? (value as ProposedExercise) : null;
  }
  if (v.status === "ended") return isNum(v.startedAt) && isNum(v.endedAt) && isNum(v.entries) && ids(v.keep) ? (value as EndedExercise) : null;
  if (v.status !== "active") return null;
  const roles = isPartner(v.speaker) && isPartner(v.listener) && v.speaker !== v.listener;
  const counts = [v.startedAt, v.turn, v.chunks, v.entries].every(isNum);
  const flags = typeof v.awaiting === "boolean" && typeof v.chunkConfirmed === "boolean";
  const pause = v.pause === null || (typeof v.pause === "object" && ids((v.pause as Pause).ready) && isNum((v.pause as Pause).startedAt));
  const timer = v.timer === null || (typeof v.timer === "object" && isNum((v.timer as Timer).seconds) && isNum((v.timer as Timer).elapsedMs));
  return roles && counts && flags && pause && timer && PHASES.includes(v.phase as string) ? (value as ActiveExercise) : null;
}
