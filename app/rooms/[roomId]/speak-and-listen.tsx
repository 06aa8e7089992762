"use client";

import { useCallback, useEffect, useState } from "react";
import * as Y from "yjs";
import { GentleAlert } from "@/app/components/gentle-alert";
import {
  type ActiveExercise,
  CHUNK_MAX_LENGTH,
  type EndedExercise,
  type EventType,
  type ExerciseState,
  GROUND_RULES,
  LISTENER_PROMPTS,
  type ListenerStep,
  may,
  phaseLabel,
  type ProposedExercise,
  readExerciseState,
  timerElapsed,
  TOPIC_MAX_LENGTH,
  TRANSCRIPT_DECISION_DAYS,
} from "@/app/lib/exercise";
import { draft, type ExerciseLogEntry, exerciseDrafts, exerciseLog, exerciseSection } from "@/app/lib/room-doc";
import type { Member } from "./agreement-item";
import { SharedTextarea } from "./shared-textarea";
import type { LiveRoom } from "./use-live-room";

interface Props {
  roomId: string;
  room: LiveRoom;
  me: Member;
  partners: Member[];
  /** User ids of people with the room open now. */
  online: Set<string>;
  nameOf(userId: string): string;
}

/** The exercise's state and log, re-read whenever the server writes them. */
function useExercise(doc: Y.Doc | null): { state: ExerciseState | null; log: ExerciseLogEntry[] } {
  const [snap, setSnap] = useState<{ state: ExerciseState | null; log: ExerciseLogEntry[] }>({ state: null, log: [] });
  useEffect(() => {
    if (!doc) return;
    const section = exerciseSection(doc);
    const log = exerciseLog(doc);
    const read = () => setSnap({ state: readExerciseState(section.get("state")), log: log.toArray() });
    read();
    section.observe(read);
    log.observe(read);
    return () => {
      section.unobserve(read);
      log.unobserve(read);
    };
  }, [doc]);
  return snap;
}

/** A draft's Y.Text once the server has created it, and its current text. */
function useDraft(doc: Y.Doc | null, name: "speaker" | "listener"): [Y.Text | null, string] {
  const [text, setText] = useState<Y.Text | null>(null);
  const [value, setValue] = useState("");
  useEffect(() => {
    if (!doc) return;
    const drafts = exerciseDrafts(doc);
    let current: Y.Text | null = null;
    const onText = () => setValue(current?.toString() ?? "");
    const attach = () => {
      const next = draft(doc, name);
      if (next === current) return;
      current?.unobserve(onText);
      current = next;
      current?.observe(onText);
      setText(next);
      onText();
    };
    attach();
    drafts.observe(attach);
    return () => {
      drafts.unobserve(attach);
      current?.unobserve(onText);
    };
  }, [doc, name]);
  return [text, value];
}

/** A clock that ticks while `active` (for the timer and the time-out's return). */
function useNow(active: boolean, everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs]);
  return now;
}

const ROLE_BADGE = { speaker: "Speaker", listener: "Listener", therapist: "Therapist" } as const;
const ROLE_HEADLINE = { speaker: "You are speaking", listener: "You are listening", therapist: "You are with them" } as const;

const ENTRY_LABEL: Record<ExerciseLogEntry["kind"], string> = {
  chunk: "said",
  paraphrase: "heard",
  summary: "summed up",
  validation: "validated",
  empathy: "imagined",
  unfinished: "had started to write",
};

/** "at 14:30", or "tomorrow at 14:30" when it is not today. */
const clock = (ms: number) => {
  const at = new Date(ms);
  const time = at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  if (at.toDateString() === new Date().toDateString()) return time;
  const tomorrow = new Date();
  tomorrow.setDate(tomorrow.getDate() + 1);
  return at.toDateString() === tomorrow.toDateString() ? `tomorrow at ${time}` : at.toLocaleString([], { weekday: "long", hour: "2-digit", minute: "2-digit" });
};
const mmss = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};

export function SpeakAndListen({ roomId, room, me, partners, online, nameOf }: Props) {
  const { state, log } = useExercise(room.doc);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const actor = { userId: me.userId, role: me.role };
  const allowed = (type: EventType) => may(state, actor, type);

  /** Sends one event; retries briefly while the server is still receiving the last keystrokes. */
  const send = useCallback(
    async (event: Record<string, unknown> & { type: EventType }, textOf?: () => string): Promise<boolean> => {
      setBusy(true);
      setError(null);
      try {
        for (let attempt = 0; ; attempt++) {
          const payload = textOf ? { ...event, text: textOf() } : event;
          const ack = await room.command("exercise:act", { roomId, event: payload });
          if (ack.ok) {
            // The button pressed usually goes away: keep keyboard focus on what happens next.
            requestAnimationFrame(() => document.getElementById("exercise-focus")?.focus());
            return true;
          }
          if (ack.error.code !== "not_synced" || attempt >= 20) {
            setError(ack.error.message);
            return false;
          }
          await new Promise((r) => setTimeout(r, 150));
        }
      } finally {
        setBusy(false);
      }
    },
    [room, roomId],
  );

  return (
    <section aria-labelledby="exercise-heading" className="card space-y-4" data-testid="speak-and-listen">
      <div id="exercise-focus" tabIndex={-1} className="outline-none">
        <h2 id="exercise-heading" className="text-xl font-semibold">
          Speak and listen
        </h2>
        <p className="text-sm text-stone-600 dark:text-stone-400">
          One of you speaks, the other listens and says back what they heard. Mend keeps the turns.
        </p>
      </div>
      {state === null ? (
        <StartForm me={me} partners={partners} online={online} canPropose={allowed("propose")} busy={busy} send={send} />
      ) : state.status === "proposed" ? (
        <Proposal state={state} me={me} nameOf={nameOf} online={online} busy={busy} send={send} allowed={allowed} />
      ) : state.status === "active" ? (
        <Dialogue roomId={roomId} state={state} log={log} room={room} me={me} nameOf={nameOf} busy={busy} send={send} allowed={allowed} />
      ) : (
        <Ended state={state} me={me} nameOf={nameOf} busy={busy} send={send} allowed={allowed} />
      )}
      <GentleAlert>{error}</GentleAlert>
      <PastExercises roomId={roomId} refreshKey={state === null ? "closed" : state.status} />
    </section>
  );
}

type Send = (event: Record<string, unknown> & { type: EventType }, textOf?: () => string) => Promise<boolean>;

function StartForm({ me, partners, online, canPropose, busy, send }: { me: Member; partners: Member[]; online: Set<string>; canPropose: boolean; busy: boolean; send: Send }) {
  const [mode, setMode] = useState<"prep" | "imago">("prep");
  const [topic, setTopic] = useState("");
  const [first, setFirst] = useState(me.role === "partner" ? me.userId : (partners[0]?.userId ?? ""));
  if (partners.length < 2) {
    return <p className="text-stone-700 dark:text-stone-300">When your partner has joined the room, you can do this exercise together.</p>;
  }
  if (!canPropose) return null;
  const away = partners.filter((p) => p.userId !== me.userId && !online.has(p.userId));
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        void send({ type: "propose", mode, topic, firstSpeaker: first });
      }}
    >
      <fieldset className="space-y-1">
        <legend className="font-medium">Which dialogue?</legend>
        <label className="flex items-start gap-2">
          <input type="radio" name="mode" className="mt-1.5" checked={mode === "prep"} onChange={() => setMode("prep")} />
          <span>
            Speaker and listener: say one thing at a time, hear it back, pass the floor.
          </span>
        </label>
        <label className="flex items-start gap-2">
          <input type="radio" name="mode" className="mt-1.5" checked={mode === "imago"} onChange={() => setMode("imago")} />
          <span>Intentional dialogue: after everything is said, a summary, validation and empathy, then swap.</span>
        </label>
      </fieldset>
      <label className="block">
        <span className="block font-medium">What would you like to talk about? (optional)</span>
        <input className="field" value={topic} maxLength={TOPIC_MAX_LENGTH} onChange={(e) => setTopic(e.target.value)} />
      </label>
      <label className="block">
        <span className="block font-medium">Who speaks first?</span>
        <select className="field min-h-11" value={first} onChange={(e) => setFirst(e.target.value)}>
          {partners.map((p) => (
            <option key={p.userId} value={p.userId}>
              {p.userId === me.userId ? "Me" : p.name}
            </option>
          ))}
        </select>
      </label>
      {away.length > 0 ? <p className="text-sm text-stone-600 dark:text-stone-400">{away.map((p) => p.name).join(" and ")} is not here right now; you can start once you are both in the room.</p> : null}
      <button type="submit" className="btn-primary" disabled={busy}>
        Suggest this exercise
      </button>
    </form>
  );
}

function GroundRules() {
  return (
    <ul className="list-disc space-y-1 pl-5 text-stone-800 dark:text-stone-200">
      {GROUND_RULES.map((rule) => (
        <li key={rule}>{rule}</li>
      ))}
    </ul>
  );
}

function Proposal({ state, me, nameOf, online, busy, send, allowed }: { state: ProposedExercise; me: Member; nameOf(id: string): string; online: Set<string>; busy: boolean; send: Send; allowed(t: EventType): boolean }) {
  const waitingFor = state.partners.filter((p) => !state.accepted.includes(p));
  const mine = state.accepted.includes(me.userId);
  return (
    <div className="space-y-3">
      <p>
        {state.proposedBy === me.userId ? "You suggested" : `${nameOf(state.proposedBy)} suggested`} {state.mode === "prep" ? "a speaker-and-listener exercise" : "an intentional dialogue"}
        {state.topic ? ` about \u201c${state.topic}\u201d` : ""}. {nameOf(state.firstSpeaker)} would speak first.
      </p>
      <h3 className="font-medium">Our ground rules</h3>
      <GroundRules />
      <p role="status" className="text-sm text-stone-600 dark:text-stone-400">
        {waitingFor.length === 0 ? "" : `Waiting for ${waitingFor.map((p) => (p === me.userId ? "you" : nameOf(p))).join(" and ")} to accept.`}
        {waitingFor.some((p) => p !== me.userId && !online.has(p)) ? " They need to have the room open to start." : ""}
      </p>
      <div className="flex flex-wrap gap-2">
        {allowed("accept") && !mine ? (
          <button type="button" className="btn-primary" disabled={busy} onClick={() => void send({ type: "accept" })}>
            I accept the ground rules
          </button>
        ) : null}
        {allowed("decline") ? (
          <button type="button" className="btn-quiet" disabled={busy} onClick={() => void send({ type: "decline" })}>
            {mine ? "Withdraw the suggestion" : "Not now"}
          </button>
        ) : null}
        {allowed("end") ? (
          <button type="button" className="btn-quiet" disabled={busy} onClick={() => void send({ type: "end" })}>
            Cancel the suggestion
          </button>
        ) : null}
      </div>
    </div>
  );
}

/** What the person reading should know right now, in one sentence (also announced). */
function situation(state: ActiveExercise, me: Member, nameOf: (id: string) => string): string {
  const speaker = state.speaker === me.userId ? "You" : nameOf(state.speaker);
  const listener = state.listener === me.userId ? "you" : nameOf(state.listener);
  if (state.pause?.kind === "hold") return "Your therapist has paused the exercise for a moment.";
  if (state.pause) return `Time-out. You come back at ${clock(state.pause.returnAt!)}.`;
  if (state.phase === "speaking") {
    if (state.speaker === me.userId) return state.chunkConfirmed ? "You have the floor. Say more, or pass the floor when you feel understood." : "You have the floor. Say one thing you feel, starting with \u201cI\u201d.";
    return `${speaker} has the floor. ${listener === "you" ? "You are listening." : `${nameOf(state.listener)} is listening.`}`;
  }
  const step = state.phase as ListenerStep;
  if (state.awaiting) {
    return state.speaker === me.userId ? `Did ${listener} get it? Confirm, or say it was not quite right.` : `${speaker === "You" ? "You" : speaker} will confirm or correct.`;
  }
  return state.listener === me.userId ? `Your turn to listen back: ${LISTENER_PROMPTS[step]}` : `${listener === "you" ? "You" : nameOf(state.listener)} is writing: ${phaseLabel(step).toLowerCase()}.`;
}

function Dialogue({ roomId, state, log, room, me, nameOf, busy, send, allowed }: { roomId: string; state: ActiveExercise; log: ExerciseLogEntry[]; room: LiveRoom; me: Member; nameOf(id: string): string; busy: boolean; send: Send; allowed(t: EventType): boolean }) {
  const [speakerText, speakerValue] = useDraft(room.doc, "speaker");
  const [listenerText, listenerValue] = useDraft(room.doc, "listener");
  const now = useNow(Boolean(state.pause?.returnAt) || Boolean(state.timer?.runningSince), 1000);
  const myRole = me.role === "therapist" ? "therapist" : state.speaker === me.userId ? "speaker" : "listener";
  // While a command is on its way the drafts are read-only: what is handed in is what was seen.
  const speakerWrites = state.phase === "speaking" && !state.pause && myRole === "speaker" && !busy;
  const listenerWrites = state.phase !== "speaking" && !state.awaiting && !state.pause && myRole === "listener" && !busy;
  const step = state.phase === "speaking" ? null : (state.phase as ListenerStep);
  const awareness = room.provider?.awareness;

  return (
    <div className="space-y-4">
      <div role="status" className="rounded-lg border-2 border-calm-700 p-3 dark:border-calm-100" data-testid="exercise-situation" data-role={myRole}>
        <p className="flex flex-wrap items-center gap-2 font-semibold">
          <span className="rounded-full bg-calm-700 px-2.5 py-0.5 text-sm font-medium text-white">{ROLE_BADGE[myRole]}</span>
          {ROLE_HEADLINE[myRole]}
          {state.phase !== "speaking" && !state.pause ? <span className="font-normal">{"\u00b7 "}{phaseLabel(state.phase)}</span> : null}
        </p>
        <p className="mt-1">{situation(state, me, nameOf)}</p>
      </div>
      {state.topic ? <p className="text-sm text-stone-600 dark:text-stone-400">About: {state.topic}</p> : null}

      {log.length > 0 ? (
        <ol aria-label="What has been said" className="space-y-2">
          {log.map((e) => (
            <li key={e.id} className={`rounded-lg p-3 ${e.kind === "chunk" ? "bg-calm-50 dark:bg-stone-800" : "border border-stone-200 dark:border-stone-700"}`}>
              <p className="text-sm text-stone-600 dark:text-stone-400">
                {e.by === me.userId ? "You" : nameOf(e.by)} {ENTRY_LABEL[e.kind]}
              </p>
              <p className="whitespace-pre-wrap">{e.text}</p>
            </li>
          ))}
        </ol>
      ) : null}

      {state.pause ? (
        <PausePanel state={state} me={me} nameOf={nameOf} now={now} busy={busy} send={send} allowed={allowed} />
      ) : null}

      {state.phase === "speaking" && speakerText && awareness ? (
        <div className="space-y-2">
          <label htmlFor="exercise-speaker" className="block font-medium">
            {state.speaker === me.userId ? "What you want to say" : `What ${nameOf(state.speaker)} is saying`}
          </label>
          <SharedTextarea
            id="exercise-speaker"
            itemId="exercise:speaker"
            text={speakerText}
            awareness={awareness}
            peers={room.peers}
            label={state.speaker === me.userId ? "What you want to say" : `What ${nameOf(state.speaker)} is saying`}
            maxLength={CHUNK_MAX_LENGTH}
            disabled={!speakerWrites}
            placeholder={speakerWrites ? "I feel\u2026" : ""}
          />
          {speakerWrites ? (
            <div className="flex flex-wrap gap-2">
              <button type="button" className="btn-primary" disabled={busy || speakerValue.trim() === ""} onClick={() => void send({ type: "end-chunk" }, () => speakerText.toString())}>
                I&apos;ve said this part
              </button>
              {state.mode === "prep" && allowed("pass") ? (
                <button type="button" className="btn-quiet" disabled={busy || !state.chunkConfirmed || speakerValue.trim() !== ""} onClick={() => void send({ type: "pass" })}>
                  Pass the floor
                </button>
              ) : null}
              {state.mode === "imago" && allowed("no-more") ? (
                <button type="button" className="btn-quiet" disabled={busy || !state.chunkConfirmed || speakerValue.trim() !== ""} onClick={() => void send({ type: "no-more" })}>
                  That&apos;s all for now
                </button>
              ) : null}
            </div>
          ) : null}
          {speakerWrites ? <WordsHelper roomId={roomId} text={speakerText} /> : null}
          {state.timer ? <Timer state={state} now={now} busy={busy} send={send} allowed={allowed} /> : null}
        </div>
      ) : null}

      {step && !state.awaiting && listenerText && awareness ? (
        <div className="space-y-2">
          <label htmlFor="exercise-listener" className="block font-medium">
            {state.listener === me.userId ? LISTENER_PROMPTS[step] : `What ${nameOf(state.listener)} heard`}
          </label>
          <SharedTextarea
            id="exercise-listener"
            itemId="exercise:listener"
            text={listenerText}
            awareness={awareness}
            peers={room.peers}
            label={state.listener === me.userId ? LISTENER_PROMPTS[step] : `What ${nameOf(state.listener)} heard`}
            maxLength={CHUNK_MAX_LENGTH}
            disabled={!listenerWrites}
            placeholder={listenerWrites ? "What I heard is\u2026" : ""}
          />
          {listenerWrites ? (
            <button type="button" className="btn-primary" disabled={busy || listenerValue.trim() === ""} onClick={() => void send({ type: "submit" }, () => listenerText.toString())}>
              Share what I heard
            </button>
          ) : null}
        </div>
      ) : null}

      {state.awaiting && allowed("confirm") ? (
        <div className="flex flex-wrap gap-2">
          <button type="button" className="btn-primary" disabled={busy} onClick={() => void send({ type: "confirm" })}>
            Yes, that&apos;s it
          </button>
          <button type="button" className="btn-quiet" disabled={busy} onClick={() => void send({ type: "correct" })}>
            Not quite
          </button>
        </div>
      ) : null}

      <Controls state={state} me={me} nameOf={nameOf} busy={busy} send={send} allowed={allowed} />
    </div>
  );
}

const FEELINGS = ["hurt", "scared", "lonely", "angry", "ashamed", "sad", "confused", "betrayed", "anxious", "hopeful", "relieved", "grateful", "tired", "unsure", "close to you", "far from you"];

/**
 * Help with the words (step 2): an "I" statement to start from, a feelings vocabulary, and, for an
 * apology written in the private space (step 7), a way to bring it here to deliver it.
 */
function WordsHelper({ roomId, text }: { roomId: string; text: Y.Text }) {
  const [apology, setApology] = useState<string[] | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const insert = (words: string) => {
    const room = CHUNK_MAX_LENGTH - text.length - 1;
    if (room <= 0) return setNote("Your draft is full. Share this part first.");
    text.insert(text.length, ((text.length > 0 && !text.toString().endsWith(" ") ? " " : "") + words).slice(0, room));
    document.getElementById("exercise-speaker")?.focus();
  };
  /** Shown on this screen only; nothing reaches the room until a part is brought into the draft. */
  const openApology = async () => {
    const res = await fetch(`/api/rooms/${roomId}/private`);
    if (!res.ok) return setNote("Your private space could not be opened right now.");
    const { mine } = (await res.json()) as { mine: Array<{ kind: string; fields: Record<string, string> }> };
    const latest = mine.filter((i) => i.kind === "apology").at(-1);
    const parts = latest ? [latest.fields.acknowledge, latest.fields.impact, latest.fields.responsibility, latest.fields.commitment, latest.fields.differently].filter((p): p is string => Boolean(p?.trim())) : [];
    if (parts.length === 0) return setNote("You have not written an apology in your private space yet.");
    setNote(null);
    setApology(parts);
  };
  return (
    <details className="text-sm">
      <summary className="cursor-pointer font-medium">Help with the words</summary>
      <div className="mt-2 space-y-2">
        <p>
          Try: &ldquo;I feel <em>(a feeling)</em> when <em>(what happened)</em>, because <em>(what it means to me)</em>, and I need <em>(what would help)</em>.&rdquo;
        </p>
        <button type="button" className="btn-quiet min-h-10" onClick={() => insert("I feel ")}>
          Start with &ldquo;I feel&rdquo;
        </button>
        <p className="font-medium">Words for feelings</p>
        <ul className="flex flex-wrap gap-1.5" aria-label="Words for feelings">
          {FEELINGS.map((f) => (
            <li key={f}>
              <button type="button" className="rounded-full border border-stone-300 px-2.5 py-1 dark:border-stone-600" onClick={() => insert(f)}>
                {f}
              </button>
            </li>
          ))}
        </ul>
        {apology ? (
          <div className="space-y-2 rounded-lg border border-stone-300 p-2 dark:border-stone-600" aria-label="Your apology, seen only by you">
            <p>
              Your apology, seen only by you. A part you bring into your draft is seen by the others in the room as you type, as everything you
              write here is.
            </p>
            <ol className="space-y-2">
              {apology.map((part, i) => (
                <li key={i} className="space-y-1">
                  <p className="whitespace-pre-wrap">{part}</p>
                  <button type="button" className="btn-quiet min-h-10" onClick={() => insert(part)}>
                    Bring this part into my draft
                  </button>
                </li>
              ))}
            </ol>
          </div>
        ) : (
          <button type="button" className="btn-quiet min-h-10" onClick={() => void openApology()}>
            Look at my apology from my private space
          </button>
        )}
        <p role="status">{note}</p>
      </div>
    </details>
  );
}

function PausePanel({ state, me, nameOf, now, busy, send, allowed }: { state: ActiveExercise; me: Member; nameOf(id: string): string; now: number; busy: boolean; send: Send; allowed(t: EventType): boolean }) {
  const pause = state.pause!;
  const [minutes, setMinutes] = useState(30);
  if (pause.kind === "hold") {
    return allowed("resume") ? (
      <button type="button" className="btn-primary" disabled={busy} onClick={() => void send({ type: "resume" })}>
        Continue the exercise
      </button>
    ) : null;
  }
  const due = now >= pause.returnAt!;
  const waiting = state.partners.filter((p) => !pause.ready.includes(p));
  return (
    <div className="space-y-3 rounded-lg bg-calm-50 p-3 dark:bg-stone-800" data-testid="time-out">
      <p>
        {pause.by === me.userId ? "You" : nameOf(pause.by)} called a time-out. {pause.proposedBy === me.userId ? "You" : nameOf(pause.proposedBy!)} suggested coming back {clock(pause.returnAt!).startsWith("tomorrow") ? "" : "at "}{clock(pause.returnAt!)}.
      </p>
      <p aria-live="polite">{due ? "It is time to come back, whenever you are ready. Coming back only to ask for more time is fine too." : "Take the time you need to calm down. Nothing here can change until you are both back."}</p>
      {pause.ready.length > 0 ? <p className="text-sm">Ready: {pause.ready.map((p) => (p === me.userId ? "you" : nameOf(p))).join(" and ")}. Waiting for {waiting.map((p) => (p === me.userId ? "you" : nameOf(p))).join(" and ")}.</p> : null}
      <div className="flex flex-wrap items-end gap-2">
        {allowed("ready") && !pause.ready.includes(me.userId) ? (
          <button type="button" className="btn-primary" disabled={busy} onClick={() => void send({ type: "ready" })}>
            I&apos;m ready to continue
          </button>
        ) : null}
        {allowed("counter") && pause.proposedBy !== me.userId ? (
          <>
            <MinutesSelect id="counter-minutes" label="Another time" value={minutes} onChange={setMinutes} />
            <button type="button" className="btn-quiet" disabled={busy} onClick={() => void send({ type: "counter", minutes })}>
              Suggest this time instead
            </button>
          </>
        ) : null}
      </div>
    </div>
  );
}

const MINUTE_CHOICES = [20, 30, 45, 60, 90, 120, 240, 480, 1440];

function MinutesSelect({ id, label, value, onChange }: { id: string; label: string; value: number; onChange(m: number): void }) {
  return (
    <label htmlFor={id} className="text-sm">
      <span className="block font-medium">{label}</span>
      <select id={id} className="field min-h-11" value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {MINUTE_CHOICES.map((m) => (
          <option key={m} value={m}>
            {m < 60 ? `in ${m} minutes` : m === 1440 ? "tomorrow, same time" : `in ${m / 60} hour${m === 60 ? "" : "s"}`}
          </option>
        ))}
      </select>
    </label>
  );
}

function Timer({ state, now, busy, send, allowed }: { state: ActiveExercise; now: number; busy: boolean; send: Send; allowed(t: EventType): boolean }) {
  const timer = state.timer!;
  const elapsed = timerElapsed(timer, now);
  const over = elapsed >= timer.seconds * 1000;
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm" data-testid="chunk-timer">
      {/* Not announced every second; only the gentle "time is up" is. */}
      <span role="timer" aria-live="off">
        {mmss(elapsed)} of {mmss(timer.seconds * 1000)}
      </span>
      <span aria-live="polite">{over ? "Time is up for this part. Finish your thought when you are ready." : ""}</span>
      {allowed("timer-pause") ? (
        <button type="button" className="btn-quiet" disabled={busy} onClick={() => void send({ type: timer.paused ? "timer-resume" : "timer-pause" })}>
          {timer.paused ? "Resume the timer" : "Pause the timer"}
        </button>
      ) : null}
    </div>
  );
}

function Controls({ state, me, nameOf, busy, send, allowed }: { state: ActiveExercise; me: Member; nameOf(id: string): string; busy: boolean; send: Send; allowed(t: EventType): boolean }) {
  const [minutes, setMinutes] = useState(30);
  const [idea, setIdea] = useState("");
  const [parked, setParked] = useState(false);
  const [leaving, setLeaving] = useState(false);
  return (
    <div className="space-y-3 border-t border-stone-200 pt-3 dark:border-stone-700">
      {allowed("park") ? (
        <form
          className="flex flex-wrap items-end gap-2"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await send({ type: "park", text: idea })) {
              setIdea("");
              setParked(true);
            }
          }}
        >
          <label className="min-w-0 flex-1 text-sm">
            <span className="block font-medium">An idea for later? Park it on the agreement&apos;s list</span>
            <input className="field" value={idea} maxLength={500} onChange={(e) => { setIdea(e.target.value); setParked(false); }} />
          </label>
          <button type="submit" className="btn-quiet" disabled={busy || idea.trim() === ""}>
            Park it
          </button>
          <span role="status" className="text-sm">{parked ? "Parked for later." : ""}</span>
        </form>
      ) : null}
      <div className="flex flex-wrap items-end gap-2">
        {allowed("time-out") ? (
          <>
            <MinutesSelect id="time-out-minutes" label="Come back" value={minutes} onChange={setMinutes} />
            <button type="button" className="btn-quiet" disabled={busy} onClick={() => void send({ type: "time-out", minutes })}>
              Take a time-out
            </button>
          </>
        ) : null}
        {allowed("timer-set") ? (
          <label className="text-sm">
            <span className="block font-medium">Timer for each part</span>
            <select
              className="field min-h-11"
              value={state.timer?.seconds ?? 0}
              disabled={busy}
              onChange={(e) => void send({ type: "timer-set", seconds: Number(e.target.value) || null })}
            >
              <option value={0}>Off</option>
              {[60, 120, 180, 300, 600].map((s) => (
                <option key={s} value={s}>
                  {s / 60} minute{s === 60 ? "" : "s"}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </div>
      {me.role === "therapist" ? (
        <div className="flex flex-wrap gap-2">
          {allowed("hold") ? (
            <button type="button" className="btn-quiet" disabled={busy} onClick={() => void send({ type: "hold" })}>
              Hold
            </button>
          ) : null}
          {allowed("assign")
            ? state.partners.map((p) => (
                <button key={p} type="button" className="btn-quiet" disabled={busy || (state.speaker === p && !state.pause)} onClick={() => void send({ type: "assign", to: p })}>
                  Give the floor to {nameOf(p)}
                </button>
              ))
            : null}
        </div>
      ) : null}
      {allowed("end") ? (
        leaving ? (
          <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Leave the exercise?">
            <span>This ends the exercise for both of you. That&apos;s all right.</span>
            <button type="button" className="btn-quiet" autoFocus disabled={busy} onClick={() => void send({ type: "end" })}>
              {me.role === "therapist" ? "End the exercise" : "Leave the exercise"}
            </button>
            <button type="button" className="btn-quiet" onClick={() => setLeaving(false)}>
              Stay
            </button>
          </div>
        ) : (
          <button type="button" className="btn-quiet" onClick={() => setLeaving(true)}>
            {me.role === "therapist" ? "End the exercise\u2026" : "Leave the exercise\u2026"}
          </button>
        )
      ) : null}
    </div>
  );
}

function Ended({ state, me, nameOf, busy, send, allowed }: { state: EndedExercise; me: Member; nameOf(id: string): string; busy: boolean; send: Send; allowed(t: EventType): boolean }) {
  const others = state.keep.filter((p) => p !== me.userId);
  const [deleting, setDeleting] = useState(false);
  return (
    <div className="space-y-3">
      <p role="status" className="font-medium">
        The exercise has ended.
      </p>
      <p>
        Keep what was said in your room&apos;s history? It is kept only if you both choose to keep it, and then your therapist can read it
        too. Otherwise it is deleted for good. If neither of you decides within {TRANSCRIPT_DECISION_DAYS} days, it is deleted. Ideas you
        parked stay on the agreement&apos;s list either way.
      </p>
      {others.length > 0 ? <p className="text-sm">{others.map(nameOf).join(" and ")} would like to keep it.</p> : null}
      {state.keep.includes(me.userId) ? <p className="text-sm">You chose to keep it. Waiting for your partner.</p> : null}
      {allowed("keep") ? (
        deleting ? (
          <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Delete what was said?">
            <span>This deletes it for both of you, for good.</span>
            <button type="button" className="btn-quiet" autoFocus disabled={busy} onClick={() => void send({ type: "discard" })}>
              Yes, delete it
            </button>
            <button type="button" className="btn-quiet" onClick={() => setDeleting(false)}>
              Go back
            </button>
          </div>
        ) : (
          <div className="flex flex-wrap gap-2">
            {!state.keep.includes(me.userId) ? (
              <button type="button" className="btn-primary" disabled={busy} onClick={() => void send({ type: "keep" })}>
                Keep it
              </button>
            ) : null}
            <button type="button" className="btn-quiet" disabled={busy} onClick={() => setDeleting(true)}>
              Delete it{"\u2026"}
            </button>
          </div>
        )
      ) : (
        <p className="text-sm">The partners decide whether it is kept.</p>
      )}
    </div>
  );
}

interface PastExercise {
  id: string;
  mode: "prep" | "imago";
  outcome: "kept" | "discarded" | "declined" | "empty" | null;
  topic: string | null;
  turns: number;
  startedAt: string | null;
}

interface Transcript {
  entries: Array<{ kind: ExerciseLogEntry["kind"]; name: string; text: string }>;
}

function PastExercises({ roomId, refreshKey }: { roomId: string; refreshKey: string }) {
  const [list, setList] = useState<PastExercise[]>([]);
  const [open, setOpen] = useState<Record<string, Transcript | "loading">>({});
  useEffect(() => {
    let cancelled = false;
    void fetch(`/api/rooms/${roomId}/exercises`).then(async (res) => {
      if (res.ok && !cancelled) setList(((await res.json()) as { exercises: PastExercise[] }).exercises);
    });
    return () => {
      cancelled = true;
    };
  }, [roomId, refreshKey]);
  if (list.length === 0) return null;
  const load = async (id: string) => {
    if (open[id]) return;
    setOpen((o) => ({ ...o, [id]: "loading" }));
    const res = await fetch(`/api/rooms/${roomId}/exercises/${id}`);
    if (res.ok) {
      const t = (await res.json()) as Transcript;
      setOpen((o) => ({ ...o, [id]: t }));
    }
  };
  return (
    <details className="text-sm">
      <summary className="cursor-pointer font-medium">Earlier exercises ({list.length})</summary>
      <ul className="mt-2 space-y-2">
        {list.map((x) => (
          <li key={x.id}>
            {x.startedAt ? new Date(x.startedAt).toLocaleDateString() : ""} · {x.mode === "prep" ? "Speaker and listener" : "Intentional dialogue"} · {x.turns} turn{x.turns === 1 ? "" : "s"} ·{" "}
            {x.outcome === "kept" ? (
              <details onToggle={(e) => (e.currentTarget.open ? void load(x.id) : undefined)}>
                <summary className="cursor-pointer underline">{x.topic ? `\u201c${x.topic}\u201d, kept` : "kept"}: read it</summary>
                {open[x.id] && open[x.id] !== "loading" ? (
                  <ol className="mt-2 space-y-1">
                    {(open[x.id] as Transcript).entries.map((e, i) => (
                      <li key={i}>
                        <span className="text-stone-600 dark:text-stone-400">{e.name} {ENTRY_LABEL[e.kind]}:</span> {e.text}
                      </li>
                    ))}
                  </ol>
                ) : (
                  <p>Loading…</p>
                )}
              </details>
            ) : (
              "not kept"
            )}
          </li>
        ))}
      </ul>
    </details>
  );
}
