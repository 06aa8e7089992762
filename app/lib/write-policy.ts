/**
 * Who may write which part of the room's shared document: one table, shared by the server (which
 * enforces it on every incoming Yjs update) and the client (which shows only what is allowed).
 *
 * The server resolves every inserted item and deleted range of an update to a `WriteChange`:
 * its root section, the map keys from that root down to it, and the agreement item it is in.
 * Anything not allowed here is refused; sections not listed are written by the server only.
 */
import type { Role } from "./permissions";
import { Section } from "./room-doc";

export interface WriteChange {
  op: "insert" | "delete";
  /** Root type name, e.g. "agreementItems". */
  section: string;
  /** Map keys from the section down to the change, e.g. ["needs", "<userId>"]; arrays add none. */
  path: readonly string[];
  /** The `id` of the agreement item (top-level element) it is in, when that item already existed. */
  itemId: string | null;
}

export interface Writer {
  role: Role;
  userId: string;
}

export interface PolicyContext {
  /** Items that may no longer be removed (agreed or signed; from the agreement's status). */
  isItemLocked(itemId: string): boolean;
}

export const OPEN_CONTEXT: PolicyContext = { isItemLocked: () => false };

/** Sections clients may write, and the rule for each; all others are the server's. */
const RULES: Record<string, (writer: Writer, change: WriteChange, ctx: PolicyContext) => string | null> = {
  [Section.agreementItems]: (writer, change, ctx) => {
    if (writer.role !== "partner") return "Only partners can change the agreement.";
    if (change.path[0] === "needs" && change.path.length >= 2 && change.path[1] !== writer.userId) {
      return "Each partner writes their own need statement.";
    }
    if (change.op === "delete" && change.path.length === 0 && change.itemId !== null && ctx.isItemLocked(change.itemId)) {
      return "An agreed item can't be removed. You can propose a change to it instead.";
    }
    return null;
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
