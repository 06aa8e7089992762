/**
 * "Saved" is shown only when everything on the user's screen is committed in Postgres. The server
 * sends a Y snapshot (state vector + delete set) of what it has committed; the client compares
 * it with a snapshot of its own document. State vectors alone would miss deletions, which add no
 * clock, so deletions are compared range by range.
 */
import * as Y from "yjs";

type DeleteRanges = Map<number, Array<{ clock: number; len: number }>>;

function rangesOf(snapshot: Y.Snapshot): DeleteRanges {
  return (snapshot.ds as unknown as { clients: DeleteRanges }).clients;
}

/** True when every insertion and deletion in `local` is also in `committed`. */
export function isCoveredBy(local: Y.Snapshot, committed: Y.Snapshot): boolean {
  for (const [client, clock] of local.sv) {
    if ((committed.sv.get(client) ?? 0) < clock) return false;
  }
  const committedRanges = rangesOf(committed);
  for (const [client, ranges] of rangesOf(local)) {
    const have = committedRanges.get(client) ?? [];
    for (const range of ranges) {
      if (!rangeCovered(range.clock, range.clock + range.len, have)) return false;
    }
  }
  return true;
}

/** `have` is sorted and merged (as Y builds delete sets); walk it once. */
function rangeCovered(start: number, end: number, have: Array<{ clock: number; len: number }>): boolean {
  let cursor = start;
  for (const r of have) {
    if (r.clock + r.len <= cursor) continue;
    if (r.clock > cursor) return false;
    cursor = r.clock + r.len;
    if (cursor >= end) return true;
  }
  return cursor >= end;
}

export function isDocSaved(doc: Y.Doc, committed: Y.Snapshot | null): boolean {
  if (!committed) return false;
  return isCoveredBy(Y.snapshot(doc), committed);
}
