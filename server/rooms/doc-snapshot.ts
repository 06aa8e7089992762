/**
 * `Y.encodeSnapshot(Y.snapshot(doc))` for a live room, which tells clients what is committed
 * after every commit. Y.snapshot builds the delete set by walking every struct in the doc; here
 * the delete set is encoded again only after a transaction that changed it, and the state vector
 * (one entry per client) is encoded each time. Same bytes.
 *
 * A transaction changes the delete set when it deletes something (its own delete set) or when a
 * struct it adds is deleted already: garbage-collected content another client sends, or an item
 * inserted into something deleted. Nothing else does: Yjs splits, merges and collects deleted
 * structs without changing which clocks are deleted.
 */
import * as Y from "yjs";

/** Whether a struct this transaction added is deleted already. */
function addedDeleted(transaction: Y.Transaction): boolean {
  const store = transaction.doc.store;
  for (const [client, clock] of transaction.afterState) {
    const before = transaction.beforeState.get(client) ?? 0;
    if (clock === before) continue;
    const structs = store.clients.get(client)!;
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) if (structs[i]!.deleted) return true;
  }
  return false;
}

export class DocSnapshots {
  /** The encoded delete set, or null when a deletion since makes it stale. */
  private deleteSet: Uint8Array | null = null;

  constructor(private readonly doc: Y.Doc) {
    doc.on("afterTransaction", this.onTransaction);
  }

  private onTransaction = (transaction: Y.Transaction) => {
    if (this.deleteSet === null) return;
    if (transaction.deleteSet.clients.size > 0 || addedDeleted(transaction)) this.deleteSet = null;
  };

  encode(): Uint8Array {
    // encodeSnapshot writes the delete set, then the state vector; with an empty state vector
    // that is the delete set and one 0 (no clients), dropped here.
    this.deleteSet ??= Y.encodeSnapshot(Y.createSnapshot(Y.createDeleteSetFromStructStore(this.doc.store), new Map())).subarray(0, -1);
    const stateVector = Y.encodeStateVector(this.doc);
    const out = new Uint8Array(this.deleteSet.byteLength + stateVector.byteLength);
    out.set(this.deleteSet);
    out.set(stateVector, this.deleteSet.byteLength);
    return out;
  }

  destroy(): void {
    this.doc.off("afterTransaction", this.onTransaction);
  }
}
