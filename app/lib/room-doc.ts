/**
 * The room's shared document: one Y.Doc per room, the same module on client and server.
 * Nothing private ever goes in here (see DESIGN.md): everyone in the room receives all of it.
 *
 * Sections (root types):
 * - `meta` (Y.Map): `schemaVersion`, written by the server when it first loads a room.
 * - `agreementItems` (Y.Array<Y.Map>): the boundary agreement's items, co-edited by partners.
 *   Each item: `id`, `createdBy` (user id), `createdAt` (ms), `category`, `committer` ("both" or
 *   a partner's user id), `reciprocal` (boolean), `startDate` and `reviewDate` ("YYYY-MM-DD" or
 *   ""), the texts in TEXT_FIELDS (Y.Text), and `needs` (Y.Map: partner's user id → Y.Text,
 *   written only by that partner).
 * - `agreementStatus` (Y.Map: item id → ItemStatusRecord, see agreement.ts): written by the
 *   server only, from consent commands and edits.
 * - `comments` (Y.Array of Comment): written by the server only, from the comment commands, so
 *   the author of a comment is always who the server says.
 * - `exercise` (Y.Map): `state`, the speak-and-listen state (see exercise.ts); server only.
 * - `exerciseDrafts` (Y.Map): `speaker` and `listener`, two Y.Text the server creates; each is
 *   written only by whoever the exercise's phase allows (see write-policy.ts).
 * - `exerciseLog` (Y.Array of ExerciseLogEntry): the exercise's confirmed chunks and the
 *   listener's words; server only, emptied when the exercise closes.
 * - `agenda` (Y.Array of AgendaEntry): ideas "parked" during speak and listen; server only.
 * - `experiences` (Y.Array<Y.Map>): things to do together (step 10): `id`, `createdBy`,
 *   `createdAt`, `title` (Y.Text), `date` ("YYYY-MM-DD" or ""), `memory` (Y.Text, a few words
 *   afterwards), `done` (Y.Map: partner's user id → true, each written only by that partner).
 */
import * as Y from "yjs";

export const ROOM_DOC_SCHEMA_VERSION = 3;

export const Section = {
  meta: "meta",
  agreementItems: "agreementItems",
  agreementStatus: "agreementStatus",
  exercise: "exercise",
  exerciseDrafts: "exerciseDrafts",
  exerciseLog: "exerciseLog",
  agenda: "agenda",
  experiences: "experiences",
} as const;

/** The free-text fields of an item, each a Y.Text so both partners can type in it at once. */
export const TEXT_FIELDS = ["commitment", "transparency", "exclusions", "frequency", "taper", "ifBroken"] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

export const LIMITS = {
  /** Characters in one commitment. */
  commitmentLength: 2_000,
  /** Items in one agreement. */
  agreementItems: 200,
} as const;

export type AgreementItemMap = Y.Map<unknown>;

export interface AgreementItemView {
  id: string;
  createdBy: string;
  createdAt: number;
  commitment: string;
  category: string;
  committer: string;
  reciprocal: boolean;
  startDate: string;
  reviewDate: string;
  transparency: string;
  exclusions: string;
  frequency: string;
  taper: string;
  ifBroken: string;
  /** Partner's user id → their need statement. */
  needs: Record<string, string>;
}

export function agreementItems(doc: Y.Doc): Y.Array<AgreementItemMap> {
  return doc.getArray<AgreementItemMap>(Section.agreementItems);
}

export function meta(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(Section.meta);
}

/**
 * Run by the server on load: a room document always says which schema it follows, and has the
 * exercise's two drafts (clients only type into them; creating them is the server's).
 */
export function ensureSchema(doc: Y.Doc, origin?: unknown): boolean {
  const m = meta(doc);
  if (m.get("schemaVersion") === ROOM_DOC_SCHEMA_VERSION) return false;
  const drafts = exerciseDrafts(doc);
  doc.transact(() => {
    for (const name of ["speaker", "listener"] as const) {
      if (!(drafts.get(name) instanceof Y.Text)) drafts.set(name, new Y.Text());
    }
    m.set("schemaVersion", ROOM_DOC_SCHEMA_VERSION);
  }, origin);
  return true;
}

export function commitmentText(item: AgreementItemMap): Y.Text {
  const text = item.get("commitment");
  if (!(text instanceof Y.Text)) throw new Error("agreement item has no commitment text");
  return text;
}

/** A text field of an item; older items may not have every field yet. */
export function textField(item: AgreementItemMap, field: TextField): Y.Text | null {
  const text = item.get(field);
  return text instanceof Y.Text ? text : null;
}

export function needsMap(item: AgreementItemMap): Y.Map<Y.Text> | null {
  const needs = item.get("needs");
  return needs instanceof Y.Map ? (needs as Y.Map<Y.Text>) : null;
}

export function addAgreementItem(
  doc: Y.Doc,
  input: {
    id: string;
    createdBy: string;
    createdAt?: number;
    commitment?: string;
    category?: string;
  } & Partial<Record<Exclude<TextField, "commitment">, string>>,
): AgreementItemMap {
  const item = new Y.Map<unknown>();
  doc.transact(() => {
    item.set("id", input.id);
    item.set("createdBy", input.createdBy);
    item.set("createdAt", input.createdAt ?? Date.now());
    item.set("category", input.category ?? "other");
    item.set("committer", "both");
    item.set("reciprocal", false);
    item.set("startDate", "");
    item.set("reviewDate", "");
    for (const field of TEXT_FIELDS) item.set(field, new Y.Text(input[field] ?? ""));
    item.set("needs", new Y.Map<Y.Text>());
    agreementItems(doc).push([item]);
  });
  return item;
}

export function findAgreementItem(doc: Y.Doc, id: string): { index: number; item: AgreementItemMap } | null {
  const items = agreementItems(doc).toArray();
  const index = items.findIndex((item) => item.get("id") === id);
  return index === -1 ? null : { index, item: items[index]! };
}

export function removeAgreementItem(doc: Y.Doc, id: string): boolean {
  const found = findAgreementItem(doc, id);
  if (!found) return false;
  agreementItems(doc).delete(found.index, 1);
  return true;
}

/** A plain, typed view of one item, tolerant of half-written items from a newer client. */
export function readItem(item: AgreementItemMap): AgreementItemView | null {
  const id = item.get("id");
  if (typeof id !== "string" || !(item.get("commitment") instanceof Y.Text)) return null;
  const str = (key: string) => {
    const v = item.get(key);
    return typeof v === "string" ? v : "";
  };
  const text = (field: TextField) => textField(item, field)?.toString() ?? "";
  const needs: Record<string, string> = {};
  for (const [userId, need] of needsMap(item)?.entries() ?? []) {
    if (need instanceof Y.Text) needs[userId] = need.toString();
  }
  return {
    id,
    createdBy: str("createdBy"),
    createdAt: Number(item.get("createdAt") ?? 0),
    category: str("category") || "other",
    committer: str("committer") || "both",
    reciprocal: item.get("reciprocal") === true,
    startDate: str("startDate"),
    reviewDate: str("reviewDate"),
    commitment: text("commitment"),
    transparency: text("transparency"),
    exclusions: text("exclusions"),
    frequency: text("frequency"),
    taper: text("taper"),
    ifBroken: text("ifBroken"),
    needs,
  };
}

export function readAgreement(doc: Y.Doc): AgreementItemView[] {
  return agreementItems(doc)
    .toArray()
    .flatMap((item) => {
      const view = readItem(item);
      return view ? [view] : [];
    });
}

export interface Comment {
  id: string;
  itemId: string;
  authorId: string;
  name: string;
  role: "partner" | "therapist";
  text: string;
  at: number;
}

export const COMMENT_MAX_LENGTH = 1_000;

export function comments(doc: Y.Doc): Y.Array<Comment> {
  return doc.getArray<Comment>("comments");
}

export function agreementStatus(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(Section.agreementStatus);
}

export function exerciseSection(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(Section.exercise);
}

export function exerciseDrafts(doc: Y.Doc): Y.Map<Y.Text> {
  return doc.getMap<Y.Text>(Section.exerciseDrafts);
}

/** A draft's Y.Text, or null before the server has created it. */
export function draft(doc: Y.Doc, name: "speaker" | "listener"): Y.Text | null {
  const text = exerciseDrafts(doc).get(name);
  return text instanceof Y.Text ? text : null;
}

export interface ExerciseLogEntry {
  id: string;
  exerciseId: string;
  kind: "chunk" | "paraphrase" | "summary" | "validation" | "empathy" | "unfinished";
  /** The user who wrote it. */
  by: string;
  text: string;
  turn: number;
  at: number;
}

export function exerciseLog(doc: Y.Doc): Y.Array<ExerciseLogEntry> {
  return doc.getArray<ExerciseLogEntry>(Section.exerciseLog);
}

export interface AgendaEntry {
  id: string;
  text: string;
  by: string;
  name: string;
  at: number;
}

export const AGENDA_TEXT_MAX_LENGTH = 500;

export function agenda(doc: Y.Doc): Y.Array<AgendaEntry> {
  return doc.getArray<AgendaEntry>(Section.agenda);
}

export const EXPERIENCE_KEYS = ["id", "createdBy", "createdAt", "title", "date", "memory", "done"] as const;

export function experiences(doc: Y.Doc): Y.Array<Y.Map<unknown>> {
  return doc.getArray<Y.Map<unknown>>(Section.experiences);
}

export function addExperience(doc: Y.Doc, input: { id: string; createdBy: string; title?: string; date?: string }): Y.Map<unknown> {
  const item = new Y.Map<unknown>();
  doc.transact(() => {
    item.set("id", input.id);
    item.set("createdBy", input.createdBy);
    item.set("createdAt", Date.now());
    item.set("title", new Y.Text(input.title ?? ""));
    item.set("date", input.date ?? "");
    item.set("memory", new Y.Text(""));
    item.set("done", new Y.Map<boolean>());
    experiences(doc).push([item]);
  });
  return item;
}

export interface ExperienceView {
  id: string;
  title: string;
  date: string;
  memory: string;
  /** Partners who marked it done. */
  doneBy: string[];
}

export function readExperience(item: Y.Map<unknown>): ExperienceView | null {
  const id = item.get("id");
  if (typeof id !== "string") return null;
  const text = (key: string) => {
    const t = item.get(key);
    return t instanceof Y.Text ? t.toString() : "";
  };
  const done = item.get("done");
  const date = item.get("date");
  return {
    id,
    title: text("title"),
    date: typeof date === "string" ? date : "",
    memory: text("memory"),
    doneBy: done instanceof Y.Map ? [...done.entries()].filter(([, v]) => v === true).map(([k]) => k) : [],
  };
}
