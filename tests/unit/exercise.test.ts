import { describe, expect, it } from "vitest";
import {
  type ActiveExercise,
  type Actor,
  canWriteDraft,
  type Context,
  type DraftName,
  type EndedExercise,
  EVENT_TYPES,
  type EventType,
  type ExerciseEvent,
  type ExerciseMode,
  type ExerciseState,
  type ListenerStep,
  may,
  type Pause,
  type ProposedExercise,
  readExerciseState,
  type Result,
  roleOf,
  type Situation,
  situationOf,
  type Timer,
  timerElapsed,
  TOPIC_MAX_LENGTH,
  transition,
} from "@/app/lib/exercise";
import { prng } from "../helpers/prng";

// ---------------------------------------------------------------------------------------------
// People and helpers
// ---------------------------------------------------------------------------------------------

const ANA = "ana";
const BEN = "ben";
const THEA = "thea"; // the therapist
const OLGA = "olga"; // a partner-role user who is not one of this room's partners

const ana: Actor = { userId: ANA, role: "partner" };
const ben: Actor = { userId: BEN, role: "partner" };
const thea: Actor = { userId: THEA, role: "therapist" };
const olga: Actor = { userId: OLGA, role: "partner" };
const ACTORS = [ana, ben, thea, olga] as const;
const other = (partner: string) => (partner === ANA ? BEN : ANA);

const NOW = 1_000_000;
const MIN = 60_000;
const SITUATIONS: readonly Situation[] = ["none", "proposed", "speaking", "listening", "confirming", "time-out", "hold", "ended"];
const REFUSAL_CODES = ["forbidden", "conflict", "invalid_input"];

/** A context in which every guard about people passes: both partners in the room and present, no drafts. */
function ctx(over: Partial<Context> = {}): Context {
  return { now: NOW, partners: [ANA, BEN], present: [ANA, BEN], drafts: { speaker: "", listener: "" }, ...over };
}
const drafts = (speaker: string, listener = "", over: Partial<Context> = {}) => ctx({ drafts: { speaker, listener }, ...over });

function proposed(over: Partial<ProposedExercise> = {}): ProposedExercise {
  return { status: "proposed", id: "ex1", mode: "prep", topic: "Money", partners: [ANA, BEN], proposedBy: ANA, firstSpeaker: ANA, accepted: [ANA], ...over };
}

function active(over: Partial<ActiveExercise> = {}): ActiveExercise {
  return {
    status: "active",
    id: "ex1",
    mode: "prep",
    topic: "Money",
    partners: [ANA, BEN],
    startedAt: 0,
    speaker: ANA,
    listener: BEN,
    phase: "speaking",
    awaiting: false,
    chunkConfirmed: false,
    turn: 1,
    chunks: 0,
    entries: 0,
    pause: null,
    timer: null,
    ...over,
  };
}
/** An active exercise with `speaker` holding the floor. */
const activeAs = (speaker: string, over: Partial<ActiveExercise> = {}) => active({ speaker, listener: other(speaker), ...over });

function ended(over: Partial<EndedExercise> = {}): EndedExercise {
  return { status: "ended", id: "ex1", mode: "prep", topic: "Money", partners: [ANA, BEN], startedAt: 0, endedAt: NOW, entries: 3, turn: 1, keep: [], ...over };
}

function timeOutPause(over: Partial<Pause> = {}): Pause {
  return { kind: "time-out", by: THEA, startedAt: NOW - MIN, returnAt: NOW + 29 * MIN, proposedBy: THEA, ready: [], ...over };
}
function holdPause(over: Partial<Pause> = {}): Pause {
  return { kind: "hold", by: THEA, startedAt: NOW - MIN, returnAt: null, proposedBy: null, ready: [], ...over };
}

const propose = (over: Partial<Extract<ExerciseEvent, { type: "propose" }>> = {}): ExerciseEvent => ({
  type: "propose",
  id: "ex1",
  mode: "prep",
  topic: "Money",
  firstSpeaker: ANA,
  ...over,
});

type Ok = Extract<Result, { ok: true }>;
type Refused = Extract<Result, { ok: false }>;

function expectOk(r: Result): Ok {
  if (!r.ok) throw new Error(`expected the event to be allowed, but it was refused (${r.code}): ${r.message}`);
  return r;
}
function expectRefused(r: Result, code?: Refused["code"]): Refused {
  if (r.ok) throw new Error(`expected a refusal, but got ${JSON.stringify(r.state)}`);
  expect(REFUSAL_CODES).toContain(r.code);
  expect(r.message.trim().length).toBeGreaterThan(0);
  if (code) expect(r.code).toBe(code);
  return r;
}
function asActive(state: ExerciseState | null): ActiveExercise {
  if (state?.status !== "active") throw new Error(`expected an active exercise, got ${JSON.stringify(state)}`);
  return state;
}
/** Applies an event that must be allowed and returns the new state. */
function step(state: ExerciseState | null, event: ExerciseEvent, actor: Actor, c: Context = ctx()): ExerciseState | null {
  return expectOk(transition(state, event, actor, c)).state;
}
const stepActive = (state: ExerciseState | null, event: ExerciseEvent, actor: Actor, c: Context = ctx()) => asActive(step(state, event, actor, c));

// ---------------------------------------------------------------------------------------------
// 1–2. Who may do what: the whole table, written out independently of WHO_MAY
// ---------------------------------------------------------------------------------------------

/**
 * Letters of who may send each event in each situation:
 * S the speaker, L the listener, T the therapist, P either partner (when nobody holds the floor),
 * "-" nobody. A partner-role user who is not one of the room's partners may never do anything.
 */
type Cells = Record<Situation, string>;
const cells = (none: string, proposedS: string, speaking: string, listening: string, confirming: string, timeOut: string, hold: string, endedS: string): Cells => ({
  none,
  proposed: proposedS,
  speaking,
  listening,
  confirming,
  "time-out": timeOut,
  hold,
  ended: endedS,
});

// prettier-ignore
const EXPECTED: Record<EventType, Cells> = {
  //                 none  proposed speaking listening confirming time-out hold   ended
  propose:     cells("PT", "-",     "-",     "-",      "-",       "-",     "-",   "-"),
  accept:      cells("-",  "P",     "-",     "-",      "-",       "-",     "-",   "-"),
  decline:     cells("-",  "P",     "-",     "-",      "-",       "-",     "-",   "-"),
  "end-chunk": cells("-",  "-",     "S",     "-",      "-",       "-",     "-",   "-"),
  submit:      cells("-",  "-",     "-",     "L",      "-",       "-",     "-",   "-"),
  confirm:     cells("-",  "-",     "-",     "-",      "S",       "-",     "-",   "-"),
  correct:     cells("-",  "-",     "-",     "-",      "S",       "-",     "-",   "-"),
  pass:        cells("-",  "-",     "S",     "-",      "-",       "-",     "-",   "-"),
  "no-more":   cells("-",  "-",     "S",     "-",      "-",       "-",     "-",   "-"),
  "time-out":  cells("-",  "-",     "SLT",   "SLT",    "SLT",     "-",     "-",   "-"),
  counter:     cells("-",  "-",     "-",     "-",      "-",       "SL",    "-",   "-"),
  ready:       cells("-",  "-",     "-",     "-",      "-",       "SL",    "-",   "-"),
  hold:        cells("-",  "-",     "T",     "T",      "T",       "-",     "-",   "-"),
  resume:      cells("-",  "-",     "-",     "-",      "-",       "-",     "T",   "-"),
  assign:      cells("-",  "-",     "T",     "T",      "T",       "-",     "T",   "-"),
  "timer-set": cells("-",  "-",     "SLT",   "SLT",    "SLT",     "-",     "-",   "-"),
  "timer-pause": cells("-", "-",    "SLT",   "SLT",    "SLT",     "-",     "-",   "-"),
  "timer-resume": cells("-", "-",   "SLT",   "SLT",    "SLT",     "-",     "-",   "-"),
  park:        cells("-",  "-",     "SLT",   "SLT",    "SLT",     "-",     "-",   "-"),
  end:         cells("-",  "T",     "SLT",   "SLT",    "SLT",     "SLT",   "SLT", "-"),
  keep:        cells("-",  "-",     "-",     "-",      "-",       "-",     "-",   "P"),
  discard:     cells("-",  "-",     "-",     "-",      "-",       "-",     "-",   "P"),
};

/** The letter(s) a person answers to in a state, by our own reading of the rules (not roleOf). */
function lettersOf(state: ExerciseState | null, userId: string): string {
  if (userId === THEA) return "T";
  if (userId === OLGA) return "";
  if (state?.status === "active") return userId === state.speaker ? "S" : "L";
  return "P";
}
const allowedBy = (cell: string, letters: string) => cell !== "-" && [...letters].some((l) => cell.includes(l));

const TIMER_RUNNING: Timer = { seconds: 120, elapsedMs: 0, runningSince: 0, paused: false };
const TIMER_STOPPED: Timer = { seconds: 120, elapsedMs: 5_000, runningSince: null, paused: false };

interface Row {
  label: string;
  situation: Situation;
  /** Whether the row depends on who speaks (first): then it is run with Ana and with Ben. */
  bySpeaker: boolean;
  make: (speaker: string) => ExerciseState | null;
}

const listening = (mode: ExerciseMode, step: ListenerStep, awaiting: boolean) => (speaker: string) =>
  activeAs(speaker, { mode, phase: step, awaiting, chunkConfirmed: step !== "paraphrase", chunks: 1, entries: awaiting ? 2 : 1, timer: TIMER_STOPPED });

/** One representative state per situation (and per Imago listener step), where the guards pass. */
const ROWS: Row[] = [
  { label: "no exercise", situation: "none", bySpeaker: false, make: () => null },
  { label: "proposed by the therapist, nobody accepted yet", situation: "proposed", bySpeaker: true, make: (sp) => proposed({ proposedBy: THEA, firstSpeaker: sp, accepted: [] }) },
  { label: "PREP speaking, chunk confirmed", situation: "speaking", bySpeaker: true, make: (sp) => activeAs(sp, { chunkConfirmed: true, chunks: 1, entries: 2, timer: TIMER_RUNNING }) },
  { label: "Imago speaking, chunk confirmed", situation: "speaking", bySpeaker: true, make: (sp) => activeAs(sp, { mode: "imago", chunkConfirmed: true, chunks: 1, entries: 2, timer: TIMER_RUNNING }) },
  { label: "PREP listening (paraphrase)", situation: "listening", bySpeaker: true, make: listening("prep", "paraphrase", false) },
  { label: "PREP confirming (paraphrase)", situation: "confirming", bySpeaker: true, make: listening("prep", "paraphrase", true) },
  { label: "Imago listening (paraphrase)", situation: "listening", bySpeaker: true, make: listening("imago", "paraphrase", false) },
  { label: "Imago confirming (paraphrase)", situation: "confirming", bySpeaker: true, make: listening("imago", "paraphrase", true) },
  { label: "Imago listening (summary)", situation: "listening", bySpeaker: true, make: listening("imago", "summary", false) },
  { label: "Imago confirming (summary)", situation: "confirming", bySpeaker: true, make: listening("imago", "summary", true) },
  { label: "Imago listening (validation)", situation: "listening", bySpeaker: true, make: listening("imago", "validation", false) },
  { label: "Imago confirming (validation)", situation: "confirming", bySpeaker: true, make: listening("imago", "validation", true) },
  { label: "Imago listening (empathy)", situation: "listening", bySpeaker: true, make: listening("imago", "empathy", false) },
  { label: "Imago confirming (empathy)", situation: "confirming", bySpeaker: true, make: listening("imago", "empathy", true) },
  {
    label: "time-out called by the therapist, nobody ready",
    situation: "time-out",
    bySpeaker: true,
    make: (sp) => activeAs(sp, { phase: "paraphrase", awaiting: true, chunks: 1, entries: 2, pause: timeOutPause(), timer: TIMER_STOPPED }),
  },
  {
    label: "on hold while listening",
    situation: "hold",
    bySpeaker: true,
    make: (sp) => activeAs(sp, { phase: "paraphrase", chunks: 1, entries: 1, pause: holdPause(), timer: TIMER_STOPPED }),
  },
  { label: "ended, nobody chose yet", situation: "ended", bySpeaker: false, make: () => ended() },
];

/** An event of each type with valid arguments. */
function eventOf(type: EventType): ExerciseEvent {
  switch (type) {
    case "propose":
      return propose({ id: "ex2", topic: "Chores" });
    case "time-out":
      return { type, minutes: 30 };
    case "counter":
      return { type, minutes: 45 };
    case "assign":
      return { type, to: BEN };
    case "timer-set":
      return { type, seconds: 90 };
    default:
      return { type };
  }
}

/** The state, event and context for one cell: guards pass, so only who-may-do-what decides. */
function fixture(row: Row, speaker: string, type: EventType) {
  let state = row.make(speaker);
  // `pass` belongs to PREP and `no-more` to Imago (that guard is tested separately).
  if (state?.status === "active" && type === "pass") state = { ...state, mode: "prep" };
  if (state?.status === "active" && type === "no-more") state = { ...state, mode: "imago" };
  const c = type === "end-chunk" ? drafts("I felt alone on Sunday.") : type === "submit" ? drafts("", "You felt alone on Sunday.") : ctx();
  return { state, event: eventOf(type), ctx: c };
}

describe("who may do what (the whole table)", () => {
  it("covers every event type, every situation, and a row for each situation", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) expect(Object.keys(EXPECTED[type]).sort()).toEqual([...SITUATIONS].sort());
    expect(new Set(ROWS.map((r) => r.situation))).toEqual(new Set(SITUATIONS));
  });

  it("each row's state is in the situation it stands for", () => {
    for (const row of ROWS) {
      for (const sp of [ANA, BEN]) expect(situationOf(row.make(sp)), row.label).toBe(row.situation);
    }
  });

  for (const row of ROWS) {
    for (const speaker of row.bySpeaker ? [ANA, BEN] : [ANA]) {
      describe(row.bySpeaker ? `${row.label} (${speaker} speaks)` : row.label, () => {
        for (const actor of ACTORS) {
          const who = actor === olga ? "outsider" : actor.userId;
          it(`${who}: exactly the events the table allows; may() agrees; refusals say why, with the right code`, () => {
            const mismatches: string[] = [];
            for (const type of EVENT_TYPES) {
              const f = fixture(row, speaker, type);
              const expected = allowedBy(EXPECTED[type][row.situation], lettersOf(f.state, actor.userId));
              const r = transition(f.state, f.event, actor, f.ctx);
              if (r.ok !== expected) mismatches.push(`${type}: expected ${expected ? "allowed" : "refused"}, got ${r.ok ? "allowed" : `refused (${r.message})`}`);
              // may() sees no context: before any exercise it cannot know who the room's partners are
              // (transition checks that), so an outsider's proposal is the one case where they differ.
              const contextual = actor === olga && f.state === null && type === "propose";
              if (!contextual && may(f.state, actor, type) !== r.ok) mismatches.push(`${type}: may() says ${!r.ok}, transition says ${r.ok}`);
              if (!r.ok) {
                // "forbidden": someone else may do this now (or the person is not in this exercise);
                // "conflict": nobody may at this point.
                const code = (actor === olga && f.state !== null) || EXPECTED[type][row.situation] !== "-" ? "forbidden" : "conflict";
                if (r.code !== code) mismatches.push(`${type}: refusal code ${r.code}, expected ${code}`);
                if (r.message.trim() === "") mismatches.push(`${type}: refusal without a message`);
              }
            }
            expect(mismatches).toEqual([]);
          });
        }
      });
    }
  }

  it("says why in plain words, by situation", () => {
    expect(expectRefused(transition(null, { type: "accept" }, ana, ctx()), "conflict").message).toMatch(/no exercise/);
    expect(expectRefused(transition(proposed(), { type: "keep" }, ana, ctx())).code).toBeDefined();
    expect(expectRefused(transition(ended(), { type: "end" }, ana, ctx()), "conflict").message).toMatch(/ended/);
    expect(expectRefused(transition(active({ pause: timeOutPause() }), { type: "park" }, ana, ctx()), "conflict").message).toMatch(/time-out/);
    expect(expectRefused(transition(active({ pause: holdPause() }), { type: "park" }, ana, ctx()), "conflict").message).toMatch(/on hold/);
    expect(expectRefused(transition(active(), propose(), ana, ctx()), "conflict").message).toMatch(/already/);
    expect(expectRefused(transition(active(), { type: "park" }, olga, ctx()), "forbidden").message).toMatch(/two partners/);
    expect(expectRefused(transition(ended(), { type: "keep" }, olga, ctx()), "forbidden").message).toMatch(/two partners/);
    // The listener is told the speaker has the floor; the speaker is told to wait for the paraphrase.
    expect(expectRefused(transition(active(), { type: "end-chunk" }, ben, drafts("x")), "forbidden").message).toMatch(/floor/);
    expect(expectRefused(transition(listening("prep", "paraphrase", false)(ANA), { type: "submit" }, ana, drafts("", "x")), "forbidden").message).toMatch(/heard/);
    expectRefused(transition(active(), { type: "end-chunk" }, thea, drafts("x")), "forbidden");
  });

  it("roleOf: the therapist is always the therapist; partners are speaker/listener only while active", () => {
    expect(roleOf(null, thea)).toBe("therapist");
    expect(roleOf(active(), thea)).toBe("therapist");
    expect(roleOf(null, ana)).toBe("partner");
    expect(roleOf(proposed(), ana)).toBe("partner");
    expect(roleOf(ended(), ana)).toBe("partner");
    expect(roleOf(active(), ana)).toBe("speaker");
    expect(roleOf(active(), ben)).toBe("listener");
    expect(roleOf(active(), olga)).toBe("partner");
  });
});

// ---------------------------------------------------------------------------------------------
// 3. A full PREP round
// ---------------------------------------------------------------------------------------------

describe("a PREP round", () => {
  it("propose → accept → chunk → paraphrase → correct → paraphrase → confirm → pass: the roles swap", () => {
    const p = step(null, propose({ topic: "  Sunday  " }), ana);
    expect(p).toEqual(proposed({ topic: "Sunday" }));

    const r0 = expectOk(transition(p, { type: "accept" }, ben, ctx({ now: 100 })));
    expect(r0.effects).toEqual([]);
    const s0 = asActive(r0.state);
    expect(s0).toEqual(active({ topic: "Sunday", startedAt: 100 }));

    // The speaker ends a chunk: it goes into the log, and the listener paraphrases.
    const r1 = expectOk(transition(s0, { type: "end-chunk" }, ana, drafts("I felt alone on Sunday.")));
    expect(r1.effects).toEqual([{ kind: "log", draft: "speaker", as: "chunk", by: ANA }]);
    const s1 = asActive(r1.state);
    expect(s1).toMatchObject({ phase: "paraphrase", awaiting: false, chunkConfirmed: false, chunks: 1, entries: 1, speaker: ANA, listener: BEN });
    expect(situationOf(s1)).toBe("listening");

    const r2 = expectOk(transition(s1, { type: "submit" }, ben, drafts("", "You were bored.")));
    expect(r2.effects).toEqual([{ kind: "log", draft: "listener", as: "paraphrase", by: BEN }]);
    const s2 = asActive(r2.state);
    expect(s2).toMatchObject({ phase: "paraphrase", awaiting: true, entries: 2 });
    expect(situationOf(s2)).toBe("confirming");

    // Not quite: back to the listener, same step.
    const r3 = expectOk(transition(s2, { type: "correct" }, ana, ctx()));
    expect(r3.effects).toEqual([]);
    const s3 = asActive(r3.state);
    expect(s3).toMatchObject({ phase: "paraphrase", awaiting: false, entries: 2, chunkConfirmed: false });

    const r4 = expectOk(transition(s3, { type: "submit" }, ben, drafts("", "You felt alone on Sunday.")));
    expect(r4.effects).toEqual([{ kind: "log", draft: "listener", as: "paraphrase", by: BEN }]);
    const s4 = asActive(r4.state);
    expect(s4).toMatchObject({ awaiting: true, entries: 3 });

    const r5 = expectOk(transition(s4, { type: "confirm" }, ana, ctx()));
    expect(r5.effects).toEqual([]);
    const s5 = asActive(r5.state);
    expect(s5).toMatchObject({ phase: "speaking", awaiting: false, chunkConfirmed: true, speaker: ANA, listener: BEN, turn: 1, chunks: 1, entries: 3 });

    const r6 = expectOk(transition(s5, { type: "pass" }, ana, ctx()));
    expect(r6.effects).toEqual([]);
    expect(asActive(r6.state)).toEqual({ ...s5, speaker: BEN, listener: ANA, turn: 2, chunkConfirmed: false });

    // Ben now holds the floor; Ana listens.
    const s6 = asActive(r6.state);
    expect(may(s6, ben, "end-chunk")).toBe(true);
    expect(may(s6, ana, "end-chunk")).toBe(false);
    const r7 = expectOk(transition(s6, { type: "end-chunk" }, ben, drafts("I felt judged.")));
    expect(r7.effects).toEqual([{ kind: "log", draft: "speaker", as: "chunk", by: BEN }]);
    expect(asActive(r7.state)).toMatchObject({ chunks: 2, entries: 4 });
  });

  it("the speaker may speak several chunks before passing", () => {
    let s = active({ chunkConfirmed: true, chunks: 1, entries: 2 });
    s = stepActive(s, { type: "end-chunk" }, ana, drafts("And then…"));
    expect(s).toMatchObject({ chunkConfirmed: false, chunks: 2, entries: 3 });
    expectRefused(transition({ ...s, phase: "speaking" }, { type: "pass" }, ana, ctx()), "conflict");
  });
});

// ---------------------------------------------------------------------------------------------
// 4. A full Imago round
// ---------------------------------------------------------------------------------------------

describe("an Imago round", () => {
  it("chunk → paraphrase → no-more → summary → validation → empathy, each confirmed; then the roles swap", () => {
    const p = step(null, propose({ mode: "imago", firstSpeaker: BEN }), thea);
    expect(p).toEqual(proposed({ mode: "imago", proposedBy: THEA, firstSpeaker: BEN, accepted: [] }));
    const p1 = step(p, { type: "accept" }, ana);
    expect(p1).toMatchObject({ status: "proposed", accepted: [ANA] });
    let s = stepActive(p1, { type: "accept" }, ben);
    expect(s).toMatchObject({ mode: "imago", speaker: BEN, listener: ANA, phase: "speaking", turn: 1 });

    s = stepActive(s, { type: "end-chunk" }, ben, drafts("I miss our walks."));
    s = stepActive(s, { type: "submit" }, ana, drafts("", "You miss our walks."));
    s = stepActive(s, { type: "confirm" }, ben);
    expect(s).toMatchObject({ phase: "speaking", chunkConfirmed: true, entries: 2 });

    // PREP's pass does not exist here.
    expectRefused(transition(s, { type: "pass" }, ben, ctx()), "conflict");

    const rNoMore = expectOk(transition(s, { type: "no-more" }, ben, ctx()));
    expect(rNoMore.effects).toEqual([]);
    s = asActive(rNoMore.state);
    expect(s).toMatchObject({ phase: "summary", awaiting: false, speaker: BEN, listener: ANA });

    let entries = s.entries;
    for (const stage of ["summary", "validation", "empathy"] as const) {
      expect(s.phase).toBe(stage);
      expect(situationOf(s)).toBe("listening");
      const sub = expectOk(transition(s, { type: "submit" }, ana, drafts("", `my ${stage}`)));
      expect(sub.effects).toEqual([{ kind: "log", draft: "listener", as: stage, by: ANA }]);
      s = asActive(sub.state);
      expect(s).toMatchObject({ phase: stage, awaiting: true, entries: ++entries });
      // A correction returns to the same step.
      s = stepActive(s, { type: "correct" }, ben);
      expect(s).toMatchObject({ phase: stage, awaiting: false, entries });
      s = stepActive(s, { type: "submit" }, ana, drafts("", `my ${stage}, again`));
      entries++;
      const conf = expectOk(transition(s, { type: "confirm" }, ben, ctx()));
      expect(conf.effects).toEqual([]);
      s = asActive(conf.state);
    }
    expect(s).toMatchObject({ phase: "speaking", awaiting: false, chunkConfirmed: false, speaker: ANA, listener: BEN, turn: 2, chunks: 1, entries: 8 });
  });

  it("summary → validation → empathy → swap, and a correction at each step stays there", () => {
    const base = listening("imago", "summary", true)(ANA);
    const v = stepActive(base, { type: "confirm" }, ana);
    expect(v).toEqual({ ...base, phase: "validation", awaiting: false });
    const e = stepActive({ ...v, awaiting: true }, { type: "confirm" }, ana);
    expect(e).toEqual({ ...base, phase: "empathy", awaiting: false });
    const swapped = stepActive({ ...e, awaiting: true }, { type: "confirm" }, ana);
    expect(swapped).toMatchObject({ speaker: BEN, listener: ANA, phase: "speaking", turn: 2, chunkConfirmed: false, awaiting: false });
    for (const s of ["paraphrase", "summary", "validation", "empathy"] as const) {
      expect(stepActive(listening("imago", s, true)(ANA), { type: "correct" }, ana)).toMatchObject({ phase: s, awaiting: false, speaker: ANA });
    }
  });

  it("no-more is refused in PREP, pass in Imago", () => {
    const prep = active({ chunkConfirmed: true });
    expectRefused(transition(prep, { type: "no-more" }, ana, ctx()), "conflict");
    expectOk(transition(prep, { type: "pass" }, ana, ctx()));
    const imago = active({ mode: "imago", chunkConfirmed: true });
    expectRefused(transition(imago, { type: "pass" }, ana, ctx()), "conflict");
    expectOk(transition(imago, { type: "no-more" }, ana, ctx()));
  });
});

// ---------------------------------------------------------------------------------------------
// 5. Guards
// ---------------------------------------------------------------------------------------------

describe("guards", () => {
  describe("propose", () => {
    it("needs exactly two partners in the room", () => {
      expectRefused(transition(null, propose(), ana, ctx({ partners: [ANA] })), "conflict");
      expectRefused(transition(null, propose(), thea, ctx({ partners: [] })), "conflict");
      expectRefused(transition(null, propose(), ana, ctx({ partners: [ANA, BEN, OLGA] })), "conflict");
    });

    it("the first speaker has to be one of the partners", () => {
      expectRefused(transition(null, propose({ firstSpeaker: OLGA }), ana, ctx()), "invalid_input");
      expectRefused(transition(null, propose({ firstSpeaker: THEA }), thea, ctx()), "invalid_input");
      expect(step(null, propose({ firstSpeaker: BEN }), ana)).toMatchObject({ firstSpeaker: BEN });
    });

    it("the proposing partner counts as accepted; the therapist does not", () => {
      expect(step(null, propose(), ben)).toMatchObject({ proposedBy: BEN, accepted: [BEN] });
      expect(step(null, propose(), thea)).toMatchObject({ proposedBy: THEA, accepted: [] });
    });

    it("keeps the mode and id, trims the topic and cuts it at the limit, and sorts the partners", () => {
      const s = step(null, propose({ id: "x9", mode: "imago", topic: `  ${"t".repeat(TOPIC_MAX_LENGTH + 50)}  ` }), ana, ctx({ partners: [BEN, ANA] }));
      expect(s).toMatchObject({ id: "x9", mode: "imago", partners: [ANA, BEN] });
      expect((s as ProposedExercise).topic).toBe("t".repeat(TOPIC_MAX_LENGTH));
    });

    it("is refused while an exercise exists", () => {
      for (const s of [proposed(), active(), ended()]) expectRefused(transition(s, propose(), ana, ctx()));
    });

    it("a partner-role user who is not one of the room's partners cannot propose", () => {
      expectRefused(transition(null, propose(), olga, ctx()));
    });
  });

  describe("accept and decline", () => {
    it("starts only when both partners themselves accepted", () => {
      // Whoever proposed, one partner's acceptance alone never starts the exercise.
      for (const proposer of ACTORS) {
        const r = transition(null, propose(), proposer, ctx());
        if (!r.ok) continue;
        const other = proposer === ana ? ben : ana;
        const after = transition(r.state, { type: "accept" }, other, ctx());
        const started = after.ok && after.state?.status === "active";
        expect(started, `proposed by ${proposer.userId}, accepted by ${other.userId} only`).toBe(proposer === ana || proposer === ben);
      }
    });

    it("starts only when both partners are present; the refused acceptance can be given again", () => {
      const p = proposed();
      for (const present of [[ANA], [BEN], [], [ANA, OLGA]]) {
        expect(expectRefused(transition(p, { type: "accept" }, ben, ctx({ present })), "conflict").message).toMatch(/both need to be here/);
      }
      expect(stepActive(p, { type: "accept" }, ben, ctx({ present: [BEN, ANA, THEA] }))).toMatchObject({ speaker: ANA, listener: BEN });
    });

    it("the first acceptance does not need anyone present", () => {
      expect(step(proposed({ proposedBy: THEA, accepted: [] }), { type: "accept" }, ana, ctx({ present: [] }))).toMatchObject({ accepted: [ANA] });
    });

    it("accepting twice is refused", () => {
      expectRefused(transition(proposed(), { type: "accept" }, ana, ctx()), "conflict");
      const p = step(proposed({ proposedBy: THEA, accepted: [] }), { type: "accept" }, ben);
      expectRefused(transition(p, { type: "accept" }, ben, ctx()), "conflict");
    });

    it("starts with the chosen first speaker, turn 1, nothing logged and no timer", () => {
      const s = stepActive(proposed({ firstSpeaker: BEN }), { type: "accept" }, ben, ctx({ now: 77 }));
      expect(s).toEqual(active({ speaker: BEN, listener: ANA, startedAt: 77 }));
    });

    it("a partner's decline, or the therapist's end, cancels the proposal", () => {
      for (const [event, actor] of [[{ type: "decline" }, ana], [{ type: "decline" }, ben], [{ type: "end" }, thea]] as const) {
        const r = expectOk(transition(proposed(), event, actor, ctx()));
        expect(r).toEqual({ ok: true, state: null, effects: [{ kind: "close", outcome: "declined" }] });
      }
    });
  });

  describe("the floor", () => {
    it("pass before a confirmed chunk is refused", () => {
      expectRefused(transition(active(), { type: "pass" }, ana, ctx()), "conflict");
      expectRefused(transition(active({ mode: "imago" }), { type: "no-more" }, ana, ctx()), "conflict");
    });

    it("pass or no-more with words in the speaker's draft is refused; whitespace does not count", () => {
      expectRefused(transition(active({ chunkConfirmed: true }), { type: "pass" }, ana, drafts("one more thing")), "conflict");
      expectRefused(transition(active({ mode: "imago", chunkConfirmed: true }), { type: "no-more" }, ana, drafts("one more")), "conflict");
      expectOk(transition(active({ chunkConfirmed: true }), { type: "pass" }, ana, drafts("  \n\t")));
      expectOk(transition(active({ chunkConfirmed: true }), { type: "pass" }, ana, drafts("", "a listener draft")));
    });

    it("end-chunk with a blank draft is refused", () => {
      for (const text of ["", "   ", "\n\t "]) expectRefused(transition(active(), { type: "end-chunk" }, ana, drafts(text, "listener words")), "conflict");
    });

    it("submit with a blank listener draft is refused", () => {
      const s = listening("prep", "paraphrase", false)(ANA);
      for (const text of ["", "   ", "\n"]) expectRefused(transition(s, { type: "submit" }, ben, drafts("speaker words", text)), "conflict");
    });
  });

  describe("time-outs and timers: the numbers", () => {
    it("time-out minutes: 20 and 1440 allowed; 19, 1441, 20.5 and non-numbers refused", () => {
      for (const minutes of [20, 21, 60, 1440]) {
        const s = stepActive(active(), { type: "time-out", minutes }, ben);
        expect(s.pause).toMatchObject({ kind: "time-out", returnAt: NOW + minutes * MIN });
      }
      for (const minutes of [19, 0, -30, 1441, 20.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        expectRefused(transition(active(), { type: "time-out", minutes }, ben, ctx()), "invalid_input");
      }
    });

    it("counter minutes have the same bounds", () => {
      const out = active({ pause: timeOutPause({ proposedBy: ANA, by: ANA }) });
      for (const minutes of [20, 1440]) expectOk(transition(out, { type: "counter", minutes }, ben, ctx()));
      for (const minutes of [19, 1441, 20.5]) expectRefused(transition(out, { type: "counter", minutes }, ben, ctx()), "invalid_input");
    });

    it("counter by whoever proposed the current time is refused", () => {
      const out = stepActive(active(), { type: "time-out", minutes: 30 }, ana);
      expectRefused(transition(out, { type: "counter", minutes: 60 }, ana, ctx()), "conflict");
      const countered = stepActive(out, { type: "counter", minutes: 60 }, ben);
      expectRefused(transition(countered, { type: "counter", minutes: 90 }, ben, ctx()), "conflict");
      // …and the first partner may answer the counter.
      expect(stepActive(countered, { type: "counter", minutes: 40 }, ana).pause).toMatchObject({ proposedBy: ANA, returnAt: NOW + 40 * MIN });
    });

    it("timer seconds: 30 and 1800 and none allowed; 29, 1801, 30.5 refused", () => {
      for (const seconds of [30, 31, 1800]) expect(stepActive(active(), { type: "timer-set", seconds }, ana).timer).toMatchObject({ seconds });
      expect(stepActive(active({ timer: TIMER_RUNNING }), { type: "timer-set", seconds: null }, ana).timer).toBeNull();
      for (const seconds of [29, 0, -1, 1801, 30.5, Number.NaN]) {
        expectRefused(transition(active(), { type: "timer-set", seconds }, ana, ctx()), "invalid_input");
      }
    });

    it("pausing or resuming a timer needs one", () => {
      expectRefused(transition(active(), { type: "timer-pause" }, ana, ctx()), "conflict");
      expectRefused(transition(active(), { type: "timer-resume" }, ben, ctx()), "conflict");
    });
  });

  describe("the therapist", () => {
    it("holds and resumes at the same point", () => {
      const base = listening("prep", "paraphrase", true)(BEN);
      const held = stepActive(base, { type: "hold" }, thea, ctx({ now: 5 }));
      expect(held.pause).toEqual({ kind: "hold", by: THEA, startedAt: 5, returnAt: null, proposedBy: null, ready: [] });
      expect(situationOf(held)).toBe("hold");
      expect(stepActive(held, { type: "resume" }, thea)).toEqual(base);
    });

    it("assigns the floor: drafts with text are set aside into the log", () => {
      const base = listening("prep", "paraphrase", true)(ANA);
      const r = expectOk(transition(base, { type: "assign", to: BEN }, thea, drafts("half a thought", "and a half paraphrase")));
      expect(r.effects).toEqual([{ kind: "set-aside-drafts" }]);
      expect(r.state).toEqual({ ...base, speaker: BEN, listener: ANA, phase: "speaking", awaiting: false, chunkConfirmed: false, turn: 2, entries: base.entries + 2, timer: { ...TIMER_STOPPED, elapsedMs: 0, runningSince: NOW } });

      const one = expectOk(transition(base, { type: "assign", to: BEN }, thea, drafts("", "words")));
      expect(one.effects).toEqual([{ kind: "set-aside-drafts" }]);
      expect(asActive(one.state).entries).toBe(base.entries + 1);

      const none = expectOk(transition(base, { type: "assign", to: BEN }, thea, drafts("  ", "")));
      expect(none.effects).toEqual([]);
      expect(asActive(none.state).entries).toBe(base.entries);
    });

    it("assigning the floor to the current speaker restarts their turn without counting a new one", () => {
      const base = active({ chunkConfirmed: true, turn: 3 });
      expect(stepActive(base, { type: "assign", to: ANA }, thea)).toEqual({ ...base, chunkConfirmed: false });
    });

    it("assigns during a hold, which stays on", () => {
      const held = active({ pause: holdPause(), phase: "paraphrase" });
      const s = stepActive(held, { type: "assign", to: BEN }, thea);
      expect(s).toMatchObject({ speaker: BEN, listener: ANA, phase: "speaking", pause: held.pause });
    });

    it("can only give the floor to one of the partners", () => {
      for (const to of [OLGA, THEA, ""]) expectRefused(transition(active(), { type: "assign", to }, thea, ctx()), "invalid_input");
    });
  });

  describe("park", () => {
    it("changes nothing, for all three roles", () => {
      for (const s of [active(), listening("imago", "validation", false)(BEN), listening("prep", "paraphrase", true)(ANA)]) {
        for (const actor of [ana, ben, thea]) {
          const r = expectOk(transition(s, { type: "park" }, actor, ctx()));
          expect(r.state).toBe(s);
          expect(r.effects).toEqual([]);
        }
      }
    });
  });

  describe("ending", () => {
    it("goes to ended with the log's size, and waits for both to choose", () => {
      const s = active({ entries: 4, turn: 2, startedAt: 10 });
      const r = expectOk(transition(s, { type: "end" }, ben, ctx({ now: 99 })));
      expect(r.effects).toEqual([]);
      expect(r.state).toEqual(ended({ startedAt: 10, endedAt: 99, entries: 4, turn: 2, keep: [] }));
    });

    it("sets unfinished drafts aside into the log first", () => {
      const r = expectOk(transition(active({ entries: 1 }), { type: "end" }, thea, drafts("unsaid", "unheard")));
      expect(r.effects).toEqual([{ kind: "set-aside-drafts" }]);
      expect(r.state).toMatchObject({ status: "ended", entries: 3 });
      const fromEmpty = expectOk(transition(active(), { type: "end" }, ana, drafts("only this")));
      expect(fromEmpty.effects).toEqual([{ kind: "set-aside-drafts" }]);
      expect(fromEmpty.state).toMatchObject({ status: "ended", entries: 1 });
    });

    it("with nothing logged and empty drafts, closes at once", () => {
      for (const actor of [ana, ben, thea]) {
        expect(transition(active(), { type: "end" }, actor, drafts(" ", ""))).toEqual({ ok: true, state: null, effects: [{ kind: "close", outcome: "empty" }] });
      }
    });

    it("ends during a time-out or a hold", () => {
      for (const pause of [timeOutPause(), holdPause()]) {
        for (const actor of [ana, ben, thea]) expect(step(active({ entries: 1, pause }), { type: "end" }, actor)).toMatchObject({ status: "ended" });
      }
    });

    it("kept only when both keep; any discard discards", () => {
      const oneKeeps = step(ended(), { type: "keep" }, ana);
      expect(oneKeeps).toEqual(ended({ keep: [ANA] }));
      expect(transition(oneKeeps, { type: "keep" }, ben, ctx())).toEqual({ ok: true, state: null, effects: [{ kind: "close", outcome: "kept" }] });
      expect(transition(oneKeeps, { type: "discard" }, ben, ctx())).toEqual({ ok: true, state: null, effects: [{ kind: "close", outcome: "discarded" }] });
      expect(transition(oneKeeps, { type: "discard" }, ana, ctx())).toEqual({ ok: true, state: null, effects: [{ kind: "close", outcome: "discarded" }] });
      expect(transition(ended(), { type: "discard" }, ben, ctx())).toEqual({ ok: true, state: null, effects: [{ kind: "close", outcome: "discarded" }] });
    });

    it("keeping twice is refused", () => {
      const oneKeeps = step(ended(), { type: "keep" }, ben);
      expectRefused(transition(oneKeeps, { type: "keep" }, ben, ctx()), "conflict");
    });
  });
});

// ---------------------------------------------------------------------------------------------
// 6. Time-outs
// ---------------------------------------------------------------------------------------------

describe("time-outs", () => {
  // Confirming, so that resuming has something to get right (phase, speaker, awaiting).
  const base = listening("prep", "paraphrase", true)(BEN);

  it("anyone in the exercise may call one; it records who and when to come back", () => {
    for (const actor of [ana, ben, thea]) {
      const s = stepActive(base, { type: "time-out", minutes: 30 }, actor, ctx({ now: 500 }));
      expect(s.pause).toEqual({ kind: "time-out", by: actor.userId, startedAt: 500, returnAt: 500 + 30 * MIN, proposedBy: actor.userId, ready: [] });
      expect(situationOf(s)).toBe("time-out");
    }
  });

  it("both partners ready resumes exactly where it was; one is not enough", () => {
    const out = stepActive(base, { type: "time-out", minutes: 30 }, ana);
    const oneReady = stepActive(out, { type: "ready" }, ben);
    expect(oneReady.pause).toMatchObject({ kind: "time-out", ready: [BEN] });
    expect(situationOf(oneReady)).toBe("time-out");
    expectRefused(transition(oneReady, { type: "ready" }, ben, ctx()), "conflict");
    const back = stepActive(oneReady, { type: "ready" }, ana, ctx({ now: NOW + 40 * MIN }));
    expect(back).toEqual(base);
    expect(back).toMatchObject({ phase: "paraphrase", awaiting: true, speaker: BEN, listener: ANA });
  });

  it("resumes a speaking turn and a listener step the same way", () => {
    for (const s of [active({ chunkConfirmed: true }), listening("imago", "empathy", false)(ANA)]) {
      const out = stepActive(s, { type: "time-out", minutes: 25 }, thea);
      expect(stepActive(stepActive(out, { type: "ready" }, ana), { type: "ready" }, ben)).toEqual(s);
    }
  });

  it("a counter sets the new time and clears who was ready", () => {
    const out = stepActive(base, { type: "time-out", minutes: 30 }, ana, ctx({ now: 0 }));
    const ready = stepActive(out, { type: "ready" }, ana);
    const countered = stepActive(ready, { type: "counter", minutes: 120 }, ben, ctx({ now: 1_000 }));
    expect(countered.pause).toEqual({ kind: "time-out", by: ANA, startedAt: 0, returnAt: 1_000 + 120 * MIN, proposedBy: BEN, ready: [] });
    // Ana's earlier "ready" no longer counts: Ben's alone does not resume.
    expect(situationOf(step(countered, { type: "ready" }, ben))).toBe("time-out");
  });

  it("the therapist cannot end it by ready, resume or counter, and nobody can force the other", () => {
    const out = stepActive(base, { type: "time-out", minutes: 30 }, ana);
    for (const type of ["ready", "resume", "counter", "assign", "hold"] as const) {
      expectRefused(transition(out, eventOf(type), thea, ctx()));
    }
    for (const actor of [ana, ben]) expectRefused(transition(out, { type: "resume" }, actor, ctx()));
    expectRefused(transition(out, { type: "ready" }, olga, ctx()), "forbidden");
  });

  it("nobody writes, submits or confirms during it", () => {
    const out = stepActive(active({ chunkConfirmed: true }), { type: "time-out", minutes: 30 }, ben);
    for (const u of [ANA, BEN, THEA]) for (const d of ["speaker", "listener"] as const) expect(canWriteDraft(out, u, d)).toBe(false);
    expectRefused(transition(out, { type: "end-chunk" }, ana, drafts("x")));
    expectRefused(transition(out, { type: "pass" }, ana, ctx()));
    expectRefused(transition(out, { type: "park" }, ana, ctx()));
    expectRefused(transition(out, { type: "time-out", minutes: 30 }, ana, ctx()));
  });
});

// ---------------------------------------------------------------------------------------------
// 7. The per-chunk timer
// ---------------------------------------------------------------------------------------------

describe("the per-chunk timer", () => {
  const at = (now: number, over: Partial<Context> = {}) => ctx({ now, ...over });
  const elapsed = (s: ActiveExercise, now: number) => timerElapsed(s.timer!, now);

  it("is off by default", () => {
    expect(stepActive(proposed(), { type: "accept" }, ben).timer).toBeNull();
  });

  it("runs only while speaking, stops at the end of a chunk and restarts from zero at the next", () => {
    let s = stepActive(active(), { type: "timer-set", seconds: 60 }, ana, at(1_000));
    expect(s.timer).toEqual({ seconds: 60, elapsedMs: 0, runningSince: 1_000, paused: false });
    expect(elapsed(s, 4_000)).toBe(3_000);

    s = stepActive(s, { type: "end-chunk" }, ana, at(11_000, { drafts: { speaker: "x", listener: "" } }));
    expect(s.timer).toEqual({ seconds: 60, elapsedMs: 10_000, runningSince: null, paused: false });
    expect(elapsed(s, 99_000)).toBe(10_000);

    s = stepActive(s, { type: "submit" }, ben, at(15_000, { drafts: { speaker: "", listener: "y" } }));
    expect(elapsed(s, 18_000)).toBe(10_000);
    s = stepActive(s, { type: "correct" }, ana, at(18_000));
    expect(elapsed(s, 19_000)).toBe(10_000);
    s = stepActive(s, { type: "submit" }, ben, at(19_000, { drafts: { speaker: "", listener: "z" } }));

    // Confirmed: a new chunk begins, from zero.
    s = stepActive(s, { type: "confirm" }, ana, at(20_000));
    expect(s.timer).toEqual({ seconds: 60, elapsedMs: 0, runningSince: 20_000, paused: false });
    expect(elapsed(s, 26_000)).toBe(6_000);
  });

  it("set while listening, it waits for the speaker", () => {
    const s = stepActive(listening("prep", "paraphrase", false)(ANA), { type: "timer-set", seconds: 90 }, ben, at(3_000));
    expect(s.timer).toMatchObject({ seconds: 90, runningSince: null });
    expect(elapsed(s, 50_000)).toBe(s.timer!.elapsedMs);
  });

  it("pausing and resuming it keeps the time", () => {
    let s = stepActive(active(), { type: "timer-set", seconds: 60 }, ana, at(0));
    s = stepActive(s, { type: "timer-pause" }, ben, at(5_000));
    expect(s.timer).toEqual({ seconds: 60, elapsedMs: 5_000, runningSince: null, paused: true });
    expect(elapsed(s, 30_000)).toBe(5_000);
    // Pausing again changes nothing.
    expect(stepActive(s, { type: "timer-pause" }, thea, at(31_000)).timer).toEqual(s.timer);
    s = stepActive(s, { type: "timer-resume" }, thea, at(30_000));
    expect(s.timer).toEqual({ seconds: 60, elapsedMs: 5_000, runningSince: 30_000, paused: false });
    expect(elapsed(s, 32_000)).toBe(7_000);
    // Resuming a running timer changes nothing either.
    expect(elapsed(stepActive(s, { type: "timer-resume" }, ana, at(33_000)), 40_000)).toBe(15_000);
  });

  it("a paused timer stays paused across chunks and through a time-out", () => {
    let s = stepActive(active(), { type: "timer-set", seconds: 60 }, ana, at(0));
    s = stepActive(s, { type: "timer-pause" }, ana, at(1_000));
    s = stepActive(s, { type: "time-out", minutes: 20 }, ana, at(2_000));
    s = stepActive(stepActive(s, { type: "ready" }, ana, at(3_000)), { type: "ready" }, ben, at(4_000));
    expect(s.timer).toEqual({ seconds: 60, elapsedMs: 1_000, runningSince: null, paused: true });
    // A new chunk starts from zero, still paused.
    s = stepActive(s, { type: "end-chunk" }, ana, at(5_000, { drafts: { speaker: "x", listener: "" } }));
    s = stepActive(s, { type: "submit" }, ben, at(6_000, { drafts: { speaker: "", listener: "y" } }));
    s = stepActive(s, { type: "confirm" }, ana, at(7_000));
    expect(s.timer).toEqual({ seconds: 60, elapsedMs: 0, runningSince: null, paused: true });
  });

  it("stops during a time-out and a hold, and goes on afterwards", () => {
    let s = stepActive(active(), { type: "timer-set", seconds: 600 }, ana, at(0));
    s = stepActive(s, { type: "time-out", minutes: 20 }, ben, at(10_000));
    expect(s.timer).toMatchObject({ elapsedMs: 10_000, runningSince: null });
    expect(elapsed(s, 500_000)).toBe(10_000);
    s = stepActive(s, { type: "ready" }, ana, at(600_000));
    expect(elapsed(s, 700_000)).toBe(10_000);
    s = stepActive(s, { type: "ready" }, ben, at(1_300_000));
    expect(s.timer).toMatchObject({ elapsedMs: 10_000, runningSince: 1_300_000 });
    expect(elapsed(s, 1_302_000)).toBe(12_000);

    s = stepActive(s, { type: "hold" }, thea, at(1_305_000));
    expect(s.timer).toMatchObject({ elapsedMs: 15_000, runningSince: null });
    expect(elapsed(s, 2_000_000)).toBe(15_000);
    s = stepActive(s, { type: "resume" }, thea, at(2_000_000));
    expect(elapsed(s, 2_001_000)).toBe(16_000);
  });

  it("stops in the Imago listener steps and restarts from zero for the new speaker", () => {
    let s = stepActive(active({ mode: "imago", chunkConfirmed: true }), { type: "timer-set", seconds: 60 }, ana, at(0));
    s = stepActive(s, { type: "no-more" }, ana, at(4_000));
    expect(s.timer).toMatchObject({ elapsedMs: 4_000, runningSince: null });
    for (const [i, stage] of (["summary", "validation", "empathy"] as const).entries()) {
      s = stepActive(s, { type: "submit" }, ben, at(10_000 * (i + 1), { drafts: { speaker: "", listener: stage } }));
      expect(elapsed(s, 10_000 * (i + 1) + 5_000)).toBe(4_000);
      s = stepActive(s, { type: "confirm" }, ana, at(10_000 * (i + 1) + 5_000));
    }
    expect(s).toMatchObject({ speaker: BEN, phase: "speaking" });
    expect(s.timer).toEqual({ seconds: 60, elapsedMs: 0, runningSince: 35_000, paused: false });
  });

  it("restarts from zero when the floor passes or is assigned", () => {
    let s = stepActive(active({ chunkConfirmed: true }), { type: "timer-set", seconds: 60 }, ana, at(0));
    s = stepActive(s, { type: "pass" }, ana, at(7_000));
    expect(s.timer).toEqual({ seconds: 60, elapsedMs: 0, runningSince: 7_000, paused: false });
    s = stepActive(s, { type: "assign", to: ANA }, thea, at(9_000));
    expect(s.timer).toEqual({ seconds: 60, elapsedMs: 0, runningSince: 9_000, paused: false });
  });

  it("can be turned off", () => {
    const s = stepActive(active({ timer: TIMER_RUNNING }), { type: "timer-set", seconds: null }, thea);
    expect(s.timer).toBeNull();
  });

  it("changing the timer's length keeps the time this chunk has already run", () => {
    const s1 = stepActive(active(), { type: "timer-set", seconds: 60 }, ana, at(1_000));
    const s2 = stepActive(s1, { type: "timer-set", seconds: 120 }, ana, at(11_000));
    expect(s2.timer).toMatchObject({ seconds: 120 });
    // 10 s before the change and 5 s after it.
    expect(elapsed(s2, 16_000)).toBe(15_000);
  });

  it("timerElapsed adds the running time and never goes back", () => {
    expect(timerElapsed({ seconds: 60, elapsedMs: 2_000, runningSince: null, paused: false }, 10_000)).toBe(2_000);
    expect(timerElapsed({ seconds: 60, elapsedMs: 2_000, runningSince: 5_000, paused: false }, 10_000)).toBe(7_000);
    // A clock that went backwards adds nothing.
    expect(timerElapsed({ seconds: 60, elapsedMs: 2_000, runningSince: 5_000, paused: false }, 4_000)).toBe(2_000);
  });
});

// ---------------------------------------------------------------------------------------------
// 8. Who may write each draft
// ---------------------------------------------------------------------------------------------

/** S: only the speaker; L: only the listener; "-": nobody. Written out from the rules. */
const DRAFT_WRITERS: Record<Situation, Record<DraftName, "S" | "L" | "-">> = {
  none: { speaker: "-", listener: "-" },
  proposed: { speaker: "-", listener: "-" },
  speaking: { speaker: "S", listener: "-" },
  listening: { speaker: "-", listener: "L" },
  confirming: { speaker: "-", listener: "-" },
  "time-out": { speaker: "-", listener: "-" },
  hold: { speaker: "-", listener: "-" },
  ended: { speaker: "-", listener: "-" },
};

describe("canWriteDraft", () => {
  for (const row of ROWS) {
    for (const speaker of row.bySpeaker ? [ANA, BEN] : [ANA]) {
      it(`${row.label}${row.bySpeaker ? ` (${speaker} speaks)` : ""}`, () => {
        const state = row.make(speaker);
        const wrong: string[] = [];
        for (const userId of [ANA, BEN, THEA, OLGA]) {
          for (const draft of ["speaker", "listener"] as const) {
            const expected = allowedBy(DRAFT_WRITERS[row.situation][draft], lettersOf(state, userId));
            if (canWriteDraft(state, userId, draft) !== expected) wrong.push(`${userId} ${draft}: expected ${expected}`);
          }
        }
        expect(wrong).toEqual([]);
      });
    }
  }

  it("a speaking partner who has not ended a chunk yet, and a listener after a correction, may write", () => {
    expect(canWriteDraft(active(), ANA, "speaker")).toBe(true);
    const corrected = stepActive(listening("prep", "paraphrase", true)(ANA), { type: "correct" }, ana);
    expect(canWriteDraft(corrected, BEN, "listener")).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// 9. Invariants over random event sequences
// ---------------------------------------------------------------------------------------------

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function randomEvent(type: EventType, pick: <T>(xs: readonly T[]) => T): ExerciseEvent {
  switch (type) {
    case "propose":
      return propose({ mode: pick(["prep", "imago"] as const), topic: pick(["", " Money ", "x".repeat(250)]), firstSpeaker: pick([ANA, BEN, ANA, BEN, OLGA]) });
    case "time-out":
    case "counter":
      return { type, minutes: pick([30, 45, 20, 1440, 19, 1441, 20.5]) };
    case "assign":
      return { type, to: pick([ANA, BEN, ANA, BEN, OLGA]) };
    case "timer-set":
      return { type, seconds: pick([60, 90, 30, 1800, null, 29, 1801]) };
    default:
      return { type };
  }
}

/** How often the walk picks each allowed event (1 unless said): the round's steps often, ending rarely. */
const WALK_WEIGHT: Partial<Record<EventType, number>> = {
  accept: 4, "end-chunk": 6, submit: 6, confirm: 5, correct: 2, pass: 8, "no-more": 8, ready: 4, end: 0.3, decline: 0.5, discard: 0.5,
};
function weighted<T extends { type: EventType }>(xs: readonly T[], rand: () => number): T {
  const total = xs.reduce((sum, x) => sum + (WALK_WEIGHT[x.type] ?? 1), 0);
  let r = rand() * total;
  for (const x of xs) {
    r -= WALK_WEIGHT[x.type] ?? 1;
    if (r < 0) return x;
  }
  return xs[xs.length - 1]!;
}

describe("invariants over random sequences", () => {
  const STEPS = 4_000;

  for (const seed of [1, 42, 2024]) {
    it(`seed ${seed}: ${STEPS} steps`, () => {
      const rand = prng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
      let state: ExerciseState | null = null;
      let now = 0;
      let logged = 0; // log entries implied by the effects since the exercise started
      const situations = new Set<Situation>();
      const okTypes = new Set<EventType>();

      for (let i = 0; i < STEPS; i++) {
        now += Math.floor(rand() * 120_000);
        const c: Context = deepFreeze({
          now,
          partners: rand() < 0.95 ? [ANA, BEN] : pick([[ANA], [ANA, BEN, OLGA]]),
          present: rand() < 0.85 ? [ANA, BEN] : pick([[ANA], [BEN], []]),
          drafts: { speaker: pick(["", " ", "I feel", "I feel"]), listener: pick(["", "\n", "You feel", "You feel"]) },
        });
        // Mostly something allowed (weighted towards moving the exercise on, so the walk gets
        // everywhere); sometimes anything at all, by anyone.
        const candidates = EVENT_TYPES.flatMap((type) => ACTORS.map((actor) => ({ type, actor })));
        const allowed = candidates.filter(({ type, actor }) => may(state, actor, type));
        const { type, actor } = rand() < 0.85 && allowed.length > 0 ? weighted(allowed, rand) : pick(candidates);
        const event = deepFreeze(randomEvent(type, pick));
        const before: ExerciseState | null = deepFreeze(state);
        const snapshot = JSON.stringify(before);

        const r = transition(before, event, actor, c);
        const where = `step ${i}: ${actor.userId} ${JSON.stringify(event)} on ${snapshot}`;
        expect(JSON.stringify(before), where).toBe(snapshot);
        if (!may(before, actor, type)) expect(r.ok, where).toBe(false);
        if (!r.ok) {
          expect(REFUSAL_CODES, where).toContain(r.code);
          expect(r.message.trim(), where).not.toBe("");
          continue;
        }
        okTypes.add(type);
        const next = r.state;
        situations.add(situationOf(next));

        // Effects: logs come from the right person's draft.
        for (const e of r.effects) {
          if (e.kind !== "log") continue;
          const b = asActive(before);
          expect(e.by, where).toBe(e.draft === "speaker" ? b.speaker : b.listener);
          expect(e.as, where).toBe(e.draft === "speaker" ? "chunk" : b.phase);
        }
        if (before?.status === "proposed" && next?.status === "active") logged = 0;
        if (before?.status === "active") {
          logged += r.effects.filter((e) => e.kind === "log").length;
          if (r.effects.some((e) => e.kind === "set-aside-drafts")) logged += [c.drafts.speaker, c.drafts.listener].filter((d) => d.trim() !== "").length;
        }

        if (before && next) expect(next.partners, where).toEqual(before.partners);
        if (next?.status === "active") {
          expect(next.speaker, where).not.toBe(next.listener);
          expect([next.speaker, next.listener].sort(), where).toEqual([...next.partners].sort());
          expect(next.turn, where).toBeGreaterThanOrEqual(1);
          expect(next.entries, where).toBe(logged);
          if (next.awaiting) expect(next.phase, where).not.toBe("speaking");
          if (next.mode === "prep") expect(["speaking", "paraphrase"], where).toContain(next.phase);
          if (next.pause?.kind === "time-out") expect(next.pause.returnAt, where).not.toBeNull();
          if (next.timer) {
            const shouldRun = next.phase === "speaking" && !next.pause && !next.timer.paused;
            expect(next.timer.runningSince !== null, where).toBe(shouldRun);
            expect(next.timer.elapsedMs, where).toBeGreaterThanOrEqual(0);
          }
        }
        if (before?.status === "active" && next?.status === "active") {
          expect(next.entries, where).toBeGreaterThanOrEqual(before.entries);
          expect(next.turn, where).toBeGreaterThanOrEqual(before.turn);
          expect(next.chunks, where).toBeGreaterThanOrEqual(before.chunks);
        }
        if (before?.status === "active" && next?.status === "ended") {
          expect(next.entries, where).toBe(logged);
          expect(next.entries, where).toBeGreaterThanOrEqual(before.entries);
          expect(next.turn, where).toBe(before.turn);
        }
        state = next;
      }

      // The walk went everywhere and did everything.
      expect([...situations].sort()).toEqual([...SITUATIONS].sort());
      expect([...okTypes].sort()).toEqual([...EVENT_TYPES].sort());
    });
  }
});

// ---------------------------------------------------------------------------------------------
// 10. Reading the stored state
// ---------------------------------------------------------------------------------------------

describe("readExerciseState", () => {
  it("reads each kind of state as it was written", () => {
    for (const s of [proposed(), active({ pause: timeOutPause(), timer: TIMER_RUNNING }), ended()]) {
      expect(readExerciseState(s)).toBe(s);
      expect(readExerciseState(JSON.parse(JSON.stringify(s)))).toEqual(s);
    }
  });

  it("reads anything malformed as no exercise", () => {
    const good = active();
    for (const value of [
      undefined,
      null,
      0,
      1,
      "",
      "active",
      true,
      [],
      [good],
      {},
      { ...good, id: undefined },
      { ...good, id: 7 },
      { ...good, partners: undefined },
      { ...good, partners: "ana,ben" },
      { ...good, partners: [ANA] },
      { ...good, partners: [ANA, BEN, OLGA] },
      { ...good, partners: {} },
      { ...good, status: undefined },
      { ...good, status: "paused" },
      { ...good, status: "ACTIVE" },
    ]) {
      expect(readExerciseState(value), JSON.stringify(value) ?? String(value)).toBeNull();
    }
  });
});
