/**
 * The room's Yjs update log in Postgres. An append reserves sequence numbers on the room's row
 * (`UPDATE … RETURNING`), which also serializes appends and compactions of one room across
 * server processes.
 *
 * Appends from all rooms are committed together: whatever rooms have ready while a commit runs
 * goes into the next one (one transaction, one fsync for all of them). Each room has at most one
 * append in flight (LiveRoom's own group commit), so a batch holds one row per room.
 */
import { and, asc, eq, gt, inArray, lte, sql } from "drizzle-orm";
import * as Y from "yjs";
import type { Database } from "@/db/client";
import { roomUpdates, rooms } from "@/db/schema";

export interface LoadedRoom {
  /** The state of every committed row, as one update. */
  doc: Y.Doc;
  rows: number;
  lastSeq: number;
  /** Deleted content is still in the log: compact before anything else (see rooms.history_rewrite_pending). */
  rewritePending: boolean;
}

/** `syncToDisk` runs after each append commits, before it counts as saved (see db/client.ts). */
interface Waiting {
  update: Uint8Array;
  resolve(seq: number): void;
  reject(error: Error): void;
}

export function createRoomStore(db: Database, syncToDisk: () => Promise<void> = async () => {}) {
  let queue = new Map<string, Waiting[]>();
  let committing = false;

  async function commitAll(): Promise<void> {
    committing = true;
    while (queue.size > 0) {
      const batch = queue;
      queue = new Map();
      const ids = [...batch.keys()].sort();
      try {
        const seqs = await db.transaction(async (tx) => {
          // Row locks in one order (by id), so batches from several processes never deadlock.
          await tx.select({ id: rooms.id }).from(rooms).where(inArray(rooms.id, ids)).orderBy(asc(rooms.id)).for("update");
          const reserved = await tx
            .update(rooms)
            .set({ lastSeq: sql`${rooms.lastSeq} + 1` })
            .where(inArray(rooms.id, ids))
            .returning({ id: rooms.id, lastSeq: rooms.lastSeq });
          const rows = reserved.map((r) => {
            const updates = batch.get(r.id)!.map((w) => w.update);
            return { roomId: r.id, seq: r.lastSeq, update: updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates) };
          });
          if (rows.length > 0) await tx.insert(roomUpdates).values(rows);
          return new Map(reserved.map((r) => [r.id, r.lastSeq]));
        });
        await syncToDisk();
        for (const [roomId, waiting] of batch) {
          const seq = seqs.get(roomId);
          for (const w of waiting) {
            if (seq === undefined) w.reject(new Error(`room ${roomId} does not exist`));
            else w.resolve(seq);
          }
        }
      } catch (error) {
        for (const waiting of batch.values()) for (const w of waiting) w.reject(error as Error);
      }
    }
    committing = false;
  }

  return {
    /** Applies every row in order into a fresh doc. Yjs updates are idempotent and commutative. */
    async load(roomId: string): Promise<LoadedRoom> {
      const rows = await db
        .select({ seq: roomUpdates.seq, update: roomUpdates.update })
        .from(roomUpdates)
        .where(eq(roomUpdates.roomId, roomId))
        .orderBy(asc(roomUpdates.seq));
      const [room] = await db.select({ pending: rooms.historyRewritePending }).from(rooms).where(eq(rooms.id, roomId));
      const doc = new Y.Doc();
      doc.transact(() => {
        for (const row of rows) Y.applyUpdate(doc, row.update);
      });
      return { doc, rows: rows.length, lastSeq: rows.at(-1)?.seq ?? 0, rewritePending: room?.pending === true };
    },

    /** One row for this room in the next commit; resolves with its sequence number once durable. */
    append(roomId: string, update: Uint8Array): Promise<number> {
      return new Promise<number>((resolve, reject) => {
        const waiting = queue.get(roomId);
        if (waiting) waiting.push({ update, resolve, reject });
        else queue.set(roomId, [{ update, resolve, reject }]);
        if (!committing) setImmediate(() => void (committing ? undefined : commitAll()));
      });
    },

    /**
     * Replaces every row up to the newest with one snapshot of their combined state, built by
     * loading a doc and encoding it (Y.mergeUpdates is superlinear on long logs).
     */
    /**
     * `clearRewrite`: this compaction is the one that follows the deletion (its caller made sure
     * the deleting update is committed), so it ends `history_rewrite_pending`. A routine
     * compaction may run before that update is committed and must not.
     */
    async compact(roomId: string, options: { clearRewrite?: boolean } = {}): Promise<{ rowsBefore: number; seq: number }> {
      return db.transaction(async (tx) => {
        await tx.select({ id: rooms.id }).from(rooms).where(eq(rooms.id, roomId)).for("update");
        if (options.clearRewrite) await tx.update(rooms).set({ historyRewritePending: false }).where(eq(rooms.id, roomId));
        const rows = await tx
          .select({ seq: roomUpdates.seq, update: roomUpdates.update })
          .from(roomUpdates)
          .where(eq(roomUpdates.roomId, roomId))
          .orderBy(asc(roomUpdates.seq));
        // One row is rewritten too: a batch merged from several updates still holds what they deleted.
        if (rows.length === 0) return { rowsBefore: 0, seq: 0 };
        const doc = new Y.Doc();
        doc.transact(() => {
          for (const row of rows) Y.applyUpdate(doc, row.update);
        });
        const seq = rows.at(-1)!.seq;
        const snapshot = Y.encodeStateAsUpdate(doc);
        doc.destroy();
        await tx.delete(roomUpdates).where(and(eq(roomUpdates.roomId, roomId), lte(roomUpdates.seq, seq)));
        await tx.insert(roomUpdates).values({ roomId, seq, update: snapshot });
        return { rowsBefore: rows.length, seq };
      });
    },

    /**
     * Replaces every row up to `seq` with `snapshot` (their combined state, already built by the
     * caller from exactly those rows). Rows added after them are kept.
     */
    async replaceUpTo(roomId: string, seq: number, snapshot: Uint8Array): Promise<void> {
      if (seq === 0) return;
      await db.transaction(async (tx) => {
        await tx.select({ id: rooms.id }).from(rooms).where(eq(rooms.id, roomId)).for("update");
        await tx.delete(roomUpdates).where(and(eq(roomUpdates.roomId, roomId), lte(roomUpdates.seq, seq)));
        await tx.insert(roomUpdates).values({ roomId, seq, update: snapshot });
      });
    },

    /**
     * Runs `fn` holding this room's advisory lock until it returns (several nodes: one such change
     * per room at a time, whichever node makes it). Holds a connection meanwhile: callers bound
     * how many run at once.
     */
    async exclusive<T>(roomId: string, fn: () => Promise<T>): Promise<T> {
      return db.transaction(async (tx) => {
        // Never wait on (or hold for) a node that froze: its session ends, ours gives up.
        await tx.execute(sql`set local lock_timeout = '5s'`);
        await tx.execute(sql`set local idle_in_transaction_session_timeout = '30s'`);
        await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`mend-room:${roomId}`}, 0))`);
        return fn();
      });
    },

    /** Rows committed after `seq`, in order (another node's work this one missed). */
    async readSince(roomId: string, seq: number): Promise<Array<{ seq: number; update: Uint8Array }>> {
      return db
        .select({ seq: roomUpdates.seq, update: roomUpdates.update })
        .from(roomUpdates)
        .where(and(eq(roomUpdates.roomId, roomId), gt(roomUpdates.seq, seq)))
        .orderBy(asc(roomUpdates.seq));
    },

    /** The newest committed sequence number of each room (rooms that no longer exist are left out). */
    async lastSeqs(roomIds: string[]): Promise<Map<string, number>> {
      if (roomIds.length === 0) return new Map();
      const rows = await db.select({ id: rooms.id, lastSeq: rooms.lastSeq }).from(rooms).where(inArray(rooms.id, roomIds));
      return new Map(rows.map((r) => [r.id, r.lastSeq]));
    },

    async countRows(roomId: string): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(roomUpdates)
        .where(eq(roomUpdates.roomId, roomId));
      return Number(row?.n ?? 0);
    },
  };
}

export type RoomStore = ReturnType<typeof createRoomStore>;
