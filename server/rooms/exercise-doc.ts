/**
 * The server's writes of speak and listen into a live room's doc. Postgres holds the truth (the
 * `exercises` row and its events); the doc shows it to everyone, in server-origin transactions
 * that clients may never write.
 */
import type * as Y from "yjs";
import { canWriteDraft, type DraftName, type ExerciseState, readExerciseState } from "@/app/lib/exercise";
import { draft, type ExerciseLogEntry, exerciseLog, exerciseSection } from "@/app/lib/room-doc";
import { SERVER_ORIGIN } from "./agreement-status";

export function docExerciseState(doc: Y.Doc): ExerciseState | null {
  return readExerciseState(exerciseSection(doc).get("state"));
}

export function readDrafts(doc: Y.Doc): Record<DraftName, string> {
  return { speaker: draft(doc, "speaker")?.toString() ?? "", listener: draft(doc, "listener")?.toString() ?? "" };
}

function clear(doc: Y.Doc, name: DraftName): void {
  const text = draft(doc, name);
  if (text && text.length > 0) text.delete(0, text.length);
}

export interface Projection {
  state: ExerciseState | null;
  /** New log entries (already recorded in Postgres, with the same ids). */
  entries: ExerciseLogEntry[];
  /** Drafts whose text went into the log. */
  clearDrafts: DraftName[];
  /** The exercise closed: its log leaves the document. */
  closed: boolean;
}

/** One transaction: everyone sees the new state, the log and the cleared drafts together. */
export function project(doc: Y.Doc, p: Projection): void {
  doc.transact(() => {
    exerciseSection(doc).set("state", p.state);
    for (const name of p.clearDrafts) clear(doc, name);
    const log = exerciseLog(doc);
    if (p.closed) {
      if (log.length > 0) log.delete(0, log.length);
      clear(doc, "speaker");
      clear(doc, "listener");
    } else if (p.entries.length > 0) log.push(p.entries);
  }, SERVER_ORIGIN);
}

/** JSON with sorted keys: Postgres' jsonb does not keep key order. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/** Does the doc show this state (the one Postgres holds)? */
export function docShows(doc: Y.Doc, state: ExerciseState | null): boolean {
  return stable(docExerciseState(doc)) === stable(state);
}

/**
 * On load: when the doc missed the projection of a committed command (the process stopped in
 * between), it is rebuilt from Postgres. Drafts nobody may write in the recorded phase are
 * cleared: their text is already in the log.
 */
export function reconcile(doc: Y.Doc, state: ExerciseState | null, entries: ExerciseLogEntry[]): boolean {
  const current = docExerciseState(doc);
  const log = exerciseLog(doc);
  if (stable(current) === stable(state) && log.length === entries.length) return false;
  doc.transact(() => {
    exerciseSection(doc).set("state", state);
    if (log.length > 0) log.delete(0, log.length);
    if (entries.length > 0) log.push(entries);
    const writable = (name: DraftName) =>
      state?.status === "active" && canWriteDraft({ ...state, pause: null }, name === "speaker" ? state.speaker : state.listener, name);
    for (const name of ["speaker", "listener"] as const) if (!writable(name)) clear(doc, name);
  }, SERVER_ORIGIN);
  return true;
}
