/**
 * Y.applyUpdate for a live room, without promoting every transaction to the old generation.
 *
 * Yjs pushes each transaction into `doc._transactionCleanups`, an array it replaces with a new
 * one at the end of the transaction. That new array then waits for the room's next edit; in a
 * busy server (a young-generation collection every ~50 ms, a room edited a few times a second)
 * it survives long enough to be moved to the old generation. The next transaction is pushed into
 * that old array, and once Yjs drops the array, its stale slot still points at the transaction:
 * the young-generation collector cannot know the old array is dead, so it keeps the transaction
 * and everything it reaches (about 5 KB of maps, sets and events) and promotes them too. At 1,000
 * rooms that was about 20 MB a second of old-generation garbage, and a full collection (the
 * longest stall the server had, 80-150 ms) every 15-20 s. Measured with a sampling heap profile
 * of what full collections reclaimed; see docs/performance.md.
 *
 * Giving Yjs a fresh (young) array just before the transaction avoids it. Only when no
 * transaction is open and nothing is waiting for cleanup, so Yjs's own bookkeeping is untouched.
 */
import * as Y from "yjs";

interface TransactionBookkeeping {
  _transaction: unknown;
  _transactionCleanups: unknown[];
}

export function applyUpdateYoung(doc: Y.Doc, update: Uint8Array, origin: unknown): void {
  const internals = doc as unknown as TransactionBookkeeping;
  if (internals._transaction === null && Array.isArray(internals._transactionCleanups) && internals._transactionCleanups.length === 0) {
    internals._transactionCleanups = [];
  }
  Y.applyUpdate(doc, update, origin);
}
