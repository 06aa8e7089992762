/**
 * Awareness updates come from clients, so they are parsed, checked and re-encoded before they
 * are applied: states must match the presence schema, and `user` is replaced by the identity
 * the server authenticated. A client may only speak for awareness client ids it owns.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { type AwarenessUser, awarenessStateSchema } from "@/app/lib/awareness";

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: Record<string, unknown> | null;
}

const MAX_ENTRIES = 8;
/** A browser tab uses one awareness id; a second covers Yjs changing it after a clash. */
export const MAX_IDS_PER_CONNECTION = 2;

/** Throws on bytes that are not an awareness update. */
export function decodeAwarenessUpdate(update: Uint8Array): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const len = decoding.readVarUint(decoder);
  if (len > MAX_ENTRIES) throw new Error("too many awareness entries");
  const entries: AwarenessEntry[] = [];
  for (let i = 0; i < len; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const state = JSON.parse(decoding.readVarString(decoder)) as unknown;
    if (state !== null && (typeof state !== "object" || Array.isArray(state))) throw new Error("bad awareness state");
    entries.push({ clientId, clock, state: state as Record<string, unknown> | null });
  }
  if (decoding.hasContent(decoder)) throw new Error("trailing bytes in awareness update");
  return entries;
}

export function encodeAwarenessUpdate(entries: AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.clientId);
    encoding.writeVarUint(encoder, e.clock);
    encoding.writeVarString(encoder, JSON.stringify(e.state));
  }
  return encoding.toUint8Array(encoder);
}

/**
 * Keeps the entries this connection may send, with `user` set by the server.
 * `owner(clientId)` says which connection already speaks for an id (undefined: nobody).
 */
export function sanitizeAwareness<C>(
  entries: AwarenessEntry[],
  conn: C,
  user: AwarenessUser,
  owner: (clientId: number) => C | undefined,
  ownedCount = 0,
): AwarenessEntry[] {
  let owned = ownedCount;
  return entries.flatMap((entry) => {
    const current = owner(entry.clientId);
    if (current !== undefined && current !== conn) return [];
    if (current === undefined) {
      if (entry.state === null || owned >= MAX_IDS_PER_CONNECTION) return [];
      owned++;
    }
    if (entry.state === null) return [entry];
    const parsed = awarenessStateSchema.safeParse(entry.state);
    if (!parsed.success) return [];
    return [{ ...entry, state: { ...parsed.data, user } }];
  });
}
