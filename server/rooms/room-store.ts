/**
 * The room's Yjs update log in Postgres. An append reserves sequence numbers on the room's row
 * (`UPDATE … RETURNING`), which also serializes appends and compactions of one room across
 * server processes.
 */
import { and, asc, eq, lte, sql } from "drizzle-orm";
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
export function createRoomStore(db: Database, syncToDisk: () => Promise<void> = async () => {}) {
  async function reserve(tx: Pick<Database, "update">, roomId: string, n: number): Promise<number> {
    const [row] = await tx
      .update(rooms)
      .set({ lastSeq: sql`${rooms.lastSeq} + ${n}` })
      .where(eq(rooms.id, roomId))
      .returning({ lastSeq: rooms.lastSeq });
    if (!row) throw new Error(`room ${roomId} does not exist`);
    return row.lastSeq;
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

    /** One row for the whole batch; returns its sequence number once committed. */
    async append(roomId: string, update: Uint8Array): Promise<number> {
      const seq = await db.transaction(async (tx) => {
        const next = await reserve(tx, roomId, 1);
        await tx.insert(roomUpdates).values({ roomId, seq: next, update });
        return next;
      });
      await syncToDisk();
      return seq;
    },

    /**
     * Replaces every row up to the newest with one snapshot of their combined state, built by
     * loading a doc and encoding it (Y.mergeUpdates is superlinear on long logs).
     */
    async compact(roomId: string): Promise<{ rowsBefore: number; seq: number }> {
      return db.transaction(async (tx) => {
        await tx.select({ id: rooms.id }).from(rooms).where(eq(rooms.id, roomId)).for("update");
        // Whatever was pending, this rewrite is it (the snapshot holds no deleted content).
        await tx.update(rooms).set({ historyRewritePending: false }).where(eq(rooms.id, roomId));
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
