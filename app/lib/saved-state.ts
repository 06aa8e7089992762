/**
 * "Saved" is shown only when everything this person wrote is committed in Postgres (decision 014).
 * The server sends a Y snapshot (state vector + delete set) of what it has committed to whoever
 * has words in a commit; the client compares it with what it wrote and has not yet seen
 * committed. State vectors alone would miss deletions, which add no clock, so deletions are
 * compared range by range.
 */
import * as Y from "yjs";

type DeleteSet = ReturnType<typeof Y.createDeleteSet>;
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


/**
 * What this client wrote that it has not yet seen committed: the clocks its own transactions
 * reached and the ranges they deleted. Every transaction counts except those carrying the
 * server's updates (`fromServer`): words typed here, and words restored from this browser's
 * unsaved copy. A partner's typing, which arrives from the server, never makes it "Saving…".
 */
export class UnsavedWords {
  private clocks = new Map<number, number>();
  private deleted: DeleteSet = Y.createDeleteSet();

  constructor(
    private readonly doc: Y.Doc,
    private readonly fromServer: (origin: unknown) => boolean,
  ) {
    doc.on("afterTransaction", this.onTransaction);
  }

  private onTransaction = (transaction: Y.Transaction) => {
    if (this.fromServer(transaction.origin)) return;
    for (const [client, clock] of transaction.afterState) {
      if (clock > (transaction.beforeState.get(client) ?? 0)) this.clocks.set(client, clock);
    }
    if (transaction.deleteSet.clients.size > 0) this.deleted = Y.mergeDeleteSets([this.deleted, transaction.deleteSet]);
  };

  /**
   * Whether `committed` holds everything written here. What it holds stays committed (a room's
   * committed state only grows), so once it does, nothing is left to wait for.
   */
  savedIn(committed: Y.Snapshot | null): boolean {
    if (!committed) return false;
    if (this.clocks.size === 0 && this.deleted.clients.size === 0) return true;
    if (!isCoveredBy(Y.createSnapshot(this.deleted, this.clocks), committed)) return false;
    this.clocks = new Map();
    this.deleted = Y.createDeleteSet();
    return true;
  }

  destroy(): void {
    this.doc.off("afterTransaction", this.onTransaction);
  }
}
