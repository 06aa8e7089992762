/**
 * Who may write which part of the room's shared document: one table, shared by the server (which
 * enforces it on every incoming Yjs update) and the client (which shows only what is allowed).
 *
 * The server resolves every inserted item and deleted range of an update to a `WriteChange`:
 * its root section, the map keys from that root down to it, and the agreement item it is in.
 * Anything not allowed here is refused; sections not listed are written by the server only.
 */
import type { DraftName } from "./exercise";
import type { Role } from "./permissions";
import { EXPERIENCE_KEYS, Section, TEXT_FIELDS } from "./room-doc";

/** The fields an agreement item may have; anything else a client adds is refused. */
const ITEM_KEYS = new Set<string>([
  "id",
  "createdBy",
  "createdAt",
  "category",
  "committer",
  "reciprocal",
  "startDate",
  "reviewDate",
  "needs",
  ...TEXT_FIELDS,
]);

/** Set when an item is created, never changed afterwards (an item's id names its status). */
const IMMUTABLE_KEYS = new Set(["id", "createdBy", "createdAt"]);

/**
 * Hard limits the server keeps whatever a client does. They sit above the UI's own limits
 * (LIMITS in room-doc.ts), so two people typing near a limit at once still merge.
 */
export const HARD_LIMITS = { textLength: 10_000, agreementItems: 500, growthPerUpdate: 10_000, exerciseDraft: 2_000 } as const;

export interface WriteChange {
  op: "insert" | "delete";
  /** Root type name, e.g. "agreementItems". */
  section: string;
  /** Map keys from the section down to the change, e.g. ["needs", "<userId>"]; arrays add none. */
  path: readonly string[];
  /** The `id` of the agreement item (top-level element) it is in, when that item already existed. */
  itemId: string | null;
  /** True for the section's direct children themselves (an entry of a map section, an element of a list). */
  topLevel: boolean;
}

export interface Writer {
  role: Role;
  userId: string;
}

export interface PolicyContext {
  /** Items that may no longer be removed (agreed or signed; from the agreement's status). */
  isItemLocked(itemId: string): boolean;
  /** Whether this user may write this exercise draft now (from the exercise's state; see exercise.ts). */
  canWriteDraft(userId: string, draft: DraftName): boolean;
}

/** No item locked, every draft open: for checking the table's other rules in isolation. */
export const OPEN_CONTEXT: PolicyContext = { isItemLocked: () => false, canWriteDraft: () => true };

/** Sections clients may write, and the rule for each; all others are the server's. */
const RULES: Record<string, (writer: Writer, change: WriteChange, ctx: PolicyContext) => string | null> = {
  [Section.agreementItems]: (writer, change, ctx) => {
    if (writer.role !== "partner") return "Only partners can change the agreement.";
    if (change.path.length > 0 && !ITEM_KEYS.has(change.path[0]!)) return "That is not part of an agreement item.";
    if (change.itemId !== null && change.path.length === 1 && IMMUTABLE_KEYS.has(change.path[0]!)) {
      return "Who proposed an item, and when, does not change.";
    }
    // Replacing or removing the whole `needs` map would wipe the other partner's statement.
    if (change.itemId !== null && change.path.length === 1 && change.path[0] === "needs") {
      return "Each partner's need statement stays theirs.";
    }
    if (change.path[0] === "needs" && change.path.length >= 2 && change.path[1] !== writer.userId) {
      return "Each partner writes their own need statement.";
    }
    if (change.op === "delete" && change.path.length === 0 && change.itemId !== null && ctx.isItemLocked(change.itemId)) {
      return "An agreed item can't be removed. You can propose a change to it instead.";
    }
    return null;
  },
  // Things to do together: co-written by the partners; each marks "done" only for themself.
  [Section.experiences]: (writer, change) => {
    if (writer.role !== "partner") return "Only the partners change their list of things to do together.";
    const key = change.path[0];
    if (key !== undefined && !(EXPERIENCE_KEYS as readonly string[]).includes(key)) return "That is not part of this list.";
    if (change.itemId !== null && change.path.length === 1 && (IMMUTABLE_KEYS.has(key!) || key === "done")) {
      return key === "done" ? "Each of you marks it done for yourself." : "Who added it, and when, does not change.";
    }
    if (key === "done" && change.path.length >= 2 && change.path[1] !== writer.userId) return "Each of you marks it done for yourself.";
    return null;
  },
  // The two drafts are Y.Text the server creates; clients type into them, by the exercise's turn.
  [Section.exerciseDrafts]: (writer, change, ctx) => {
    const name = change.path[0];
    if (change.topLevel || change.path.length !== 1 || (name !== "speaker" && name !== "listener")) {
      return "This part of the room is kept by Mend itself and can't be changed directly.";
    }
    if (writer.role !== "partner") return "Only the partners write in speak and listen.";
    if (ctx.canWriteDraft(writer.userId, name)) return null;
    return name === "speaker"
      ? "Only the partner who has the floor writes here, and only while they are speaking."
      : "Only the listener writes here, when it is their turn to say what they heard.";
  },
};

/** Null when the change is allowed, else the reason, in words for the person who tried. */
export function checkWrite(writer: Writer, change: WriteChange, ctx: PolicyContext = OPEN_CONTEXT): string | null {
  const rule = RULES[change.section];
  if (!rule) return "This part of the room is kept by Mend itself and can't be changed directly.";
  return rule(writer, change, ctx);
}

/** The sections a client may write at all (for tests and documentation). */
export const CLIENT_WRITABLE_SECTIONS = Object.keys(RULES);

/** Null when adding `added` entries (characters, for a text) to a type of `current` is allowed. */
export function checkGrowth(section: string, path: readonly string[], current: number, added: number): string | null {
  if (section === Section.agreementItems && path.length === 0) {
    return current + added > HARD_LIMITS.agreementItems ? `An agreement can have at most ${HARD_LIMITS.agreementItems} items.` : null;
  }
  // Speak and listen is about short parts: a draft holds a little more than the UI allows.
  if (section === Section.exerciseDrafts && current + added > HARD_LIMITS.exerciseDraft) return "That is more than one part can hold. Share it in shorter parts.";
  if (added > HARD_LIMITS.growthPerUpdate || current + added > HARD_LIMITS.textLength) {
    return "That is more text than one field can hold.";
  }
  return null;
}
