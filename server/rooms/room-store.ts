/**
 * The room's Yjs update log in Postgres. An append reserves sequence numbers on the room's row
 * (`UPDATE … RETURNING`), which also serializes appends and compactions of one room across
 * server processes.
 *
 * Appends from all rooms are committed together: whatever rooms have ready while a commit runs
 * goes into the next one (one transaction, one fsync for all of them). Each room has at most one
 * append in flight (LiveRoom's own group commit), so a batch holds one row per room.
 */
import { and, asc, eq, getTableName, gt, inArray, lte, sql } from "drizzle-orm";
import * as decoding from "lib0/decoding";
import * as Y from "yjs";
import type { OpenDatabase } from "@/db/client";
import { roomUpdates, rooms } from "@/db/schema";

export interface LoadedRoom {
  /** The state of every committed row, as one update. */
  doc: Y.Doc;
  rows: number;
  lastSeq: number;
  /** Deleted content is still in the log: compact before anything else (see rooms.history_rewrite_pending). */
  rewritePending: boolean;
}

/** One commit's answer, shared by every room in it. */
export class Commit {
  constructor(private readonly seqs: Map<string, number>) {}

  /** The sequence number the room's row got; throws if the room no longer exists. */
  seqOf(roomId: string): number {
    const seq = this.seqs.get(roomId);
    if (seq === undefined) throw new Error(`room ${roomId} does not exist`);
    return seq;
  }
}

/**
 * The appends of one commit, and its one promise: every room in it waits on the same promise,
 * not a promise, a timer and two callbacks each (at 1,000 rooms those lived as long as a commit,
 * long enough to be promoted to the old generation; decision 012).
 */
interface Batch {
  /** Each room's updates, in the order they came. */
  updates: Map<string, Uint8Array[]>;
  answer: Promise<Commit>;
  resolve(commit: Commit): void;
  reject(error: Error): void;
  /** When it counts as failed if the database has not answered (Date.now() ms): its first append's. */
  deadline: number;
  /** Settled (answered, failed or expired); a late answer then settles nothing. */
  settled: boolean;
}

export interface RoomStoreOptions {
  /** An append without an answer for this long fails, and its room retries (SAVE_TIMEOUT_MS). */
  saveTimeoutMs?: number;
}

/**
 * A room's whole log in one value: every row as <4-byte length><update>, in sequence order. One
 * value crosses the wire (and the driver) far faster than 100,000 rows of a few bytes each.
 */
const wholeLog = {
  rows: sql<number>`count(*)::int`.mapWith(Number),
  lastSeq: sql<number>`coalesce(max(${roomUpdates.seq}), 0)`.mapWith(Number),
  log: sql<Uint8Array | null>`string_agg(int4send(length(${roomUpdates.update})) || ${roomUpdates.update}, ''::bytea order by ${roomUpdates.seq})`.mapWith(
    // postgres.js gives a Buffer, PGlite a Uint8Array: both become a plain Uint8Array.
    (value: Uint8Array | null) => (value ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : null),
  ),
};

/**
 * Applies every update in a `wholeLog` value to `doc`, in order, in one transaction. One lib0
 * decoder walks the whole value: a view and a decoder per row were 200,000 more short-lived
 * objects for a long log, and the garbage collector's time was a third of a cold load.
 */
export function applyLog(doc: Y.Doc, log: Uint8Array | null): number {
  if (!log) return 0;
  const view = new DataView(log.buffer, log.byteOffset, log.byteLength);
  const decoder = decoding.createDecoder(log);
  let count = 0;
  doc.transact(() => {
    for (let at = 0; at < log.byteLength; count++) {
      const length = at + 4 <= log.byteLength ? view.getInt32(at) : -1;
      const end = at + 4 + length;
      if (length < 0 || end > log.byteLength) throw new Error("the room's log could not be read: a length points past its end");
      decoder.pos = at + 4;
      Y.readUpdate(decoder, doc, null);
      // An update reads exactly its own bytes; anything else means the row is damaged.
      if (decoder.pos !== end) throw new Error("the room's log could not be read: an update does not end where its length says");
      at = end;
    }
  });
  return count;
}

/**
 * One statement, so one round trip and atomic without BEGIN/COMMIT: lock the rooms' rows in id
 * order (so batches from several processes never deadlock), reserve each room's next sequence
 * number, insert the rows. The batch travels as two text parameters (ids, and the updates in
 * base64) whatever its size, so the text never changes and PostgreSQL prepares it once per
 * connection (`OpenDatabase.query`).
 */
const APPEND_ROWS = `
  with batch as (
    select b.id::uuid as id, decode(b.update, 'base64') as update
    from unnest(string_to_array($1, ','), string_to_array($2, ',')) as b(id, update)
  ),
  locked as (
    select r.id from "${getTableName(rooms)}" r where r.id in (select id from batch) order by r.id for update
  ),
  reserved as (
    update "${getTableName(rooms)}" r set last_seq = r.last_seq + 1 from locked where r.id = locked.id returning r.id, r.last_seq
  ),
  inserted as (
    insert into "${getTableName(roomUpdates)}" (room_id, seq, update)
    select reserved.id, reserved.last_seq, batch.update from reserved join batch on batch.id = reserved.id
  )
  select id::text as id, last_seq from reserved`;

/** `database.syncToDisk` runs after each commit, before it counts as saved (see db/client.ts). */
export function createRoomStore(database: OpenDatabase, options: RoomStoreOptions = {}) {
  const { db, syncToDisk } = database;
  const saveTimeoutMs = options.saveTimeoutMs ?? 15_000;
  let queued: Batch | null = null;
  let inFlight: Batch | null = null;
  let committing = false;
  let scheduled = false;

  function newBatch(): Batch {
    let resolve!: (commit: Commit) => void;
    let reject!: (error: Error) => void;
    const answer = new Promise<Commit>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { updates: new Map(), answer, resolve, reject, deadline: Date.now() + saveTimeoutMs, settled: false };
  }
  function settle(batch: Batch, outcome: Commit | Error): void {
    if (batch.settled) return;
    batch.settled = true;
    if (outcome instanceof Commit) batch.resolve(outcome);
    else batch.reject(outcome);
  }

  // A database that hangs instead of refusing must fail appends too. One timer for all of them:
  // a timer, a race and their promises per append were, at 1,000 rooms, thousands of objects a
  // second that lived as long as a commit, long enough to reach the old generation (decision 012).
  let watchdog: NodeJS.Timeout | null = null;
  const tick = Math.max(10, Math.min(1_000, saveTimeoutMs / 10));
  function expire(): void {
    const now = Date.now();
    const timeout = () => new Error(`no answer from the database within ${saveTimeoutMs} ms`);
    // A late answer to the commit in flight is ignored (its rooms have retried: the same update
    // written twice, which Yjs ignores). A queued batch that expired is not written at all.
    if (inFlight && inFlight.deadline <= now) settle(inFlight, timeout());
    if (queued && queued.deadline <= now) {
      settle(queued, timeout());
      queued = null;
    }
    if (queued === null && inFlight === null && watchdog) {
      clearInterval(watchdog);
      watchdog = null;
    }
  }

  async function commitAll(): Promise<void> {
    committing = true;
    while (queued !== null) {
      const batch: Batch = queued;
      queued = null;
      inFlight = batch;
      const ids = [...batch.updates.keys()].sort();
      try {
        const updates = ids.map((id) => {
          const list = batch.updates.get(id)!;
          return list.length === 1 ? list[0]! : Y.mergeUpdates(list);
        });
        const seqs = await appendRows(ids, updates);
        await syncToDisk();
        settle(batch, new Commit(seqs));
      } catch (error) {
        settle(batch, error as Error);
      }
      inFlight = null;
    }
    committing = false;
  }

  async function appendRows(ids: string[], updates: Uint8Array[]): Promise<Map<string, number>> {
    const encoded = updates.map((u) => Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString("base64")).join(",");
    const rows = await database.query(APPEND_ROWS, [ids.join(","), encoded]);
    return new Map(rows.map((r) => [r.id as string, Number(r.last_seq)]));
  }

  /**
   * One row for this room in the next commit; resolves, once durable, with the commit's answer
   * for all its rooms (`seqOf`), and fails if the database has not answered within
   * `saveTimeoutMs` of the commit's first append.
   */
  function enqueue(roomId: string, update: Uint8Array): Promise<Commit> {
    const batch = (queued ??= newBatch());
    const list = batch.updates.get(roomId);
    if (list) list.push(update);
    else batch.updates.set(roomId, [update]);
    watchdog ??= setInterval(expire, tick).unref();
    if (!committing && !scheduled) {
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        if (!committing) void commitAll();
      });
    }
    return batch.answer;
  }

  return {
    /** Applies every row in order into a fresh doc. Yjs updates are idempotent and commutative. */
    async load(roomId: string): Promise<LoadedRoom> {
      const [log] = await db
        .select({
          ...wholeLog,
          pending: sql<boolean>`(select ${rooms.historyRewritePending} from ${rooms} where ${rooms.id} = ${roomId})`,
        })
        .from(roomUpdates)
        .where(eq(roomUpdates.roomId, roomId));
      const doc = new Y.Doc();
      applyLog(doc, log?.log ?? null);
      return { doc, rows: log?.rows ?? 0, lastSeq: log?.lastSeq ?? 0, rewritePending: log?.pending === true };
    },

    enqueue,

    /** `enqueue`, answered with this room's sequence number. */
    async append(roomId: string, update: Uint8Array): Promise<number> {
      return (await enqueue(roomId, update)).seqOf(roomId);
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
        const [log] = await tx.select(wholeLog).from(roomUpdates).where(eq(roomUpdates.roomId, roomId));
        // One row is rewritten too: a batch merged from several updates still holds what they deleted.
        if (!log || log.rows === 0) return { rowsBefore: 0, seq: 0 };
        const doc = new Y.Doc();
        applyLog(doc, log.log);
        const seq = log.lastSeq;
        const snapshot = Y.encodeStateAsUpdate(doc);
        doc.destroy();
        await tx.delete(roomUpdates).where(and(eq(roomUpdates.roomId, roomId), lte(roomUpdates.seq, seq)));
        await tx.insert(roomUpdates).values({ roomId, seq, update: snapshot });
        return { rowsBefore: log.rows, seq };
      });
    },

    /**
     * Replaces every row up to `seq` with `snapshot` (their combined state, built by the caller
     * from exactly those `rows` rows, read earlier). Rows added after them are kept. It may run
     * long after the read, so it first checks that those rows are still there, unchanged in
     * number, and that no deletion is waiting for its rewrite: otherwise a compaction (or a
     * rewrite that removed deleted words) came in between, and this snapshot could bring back
     * what it removed. Then it does nothing and returns false.
     */
    async replaceUpTo(roomId: string, seq: number, snapshot: Uint8Array, rows: number): Promise<boolean> {
      // A rewrite leaves one row: a count of one could not tell a rewritten log from the one read.
      if (seq === 0 || rows < 2) return false;
      return db.transaction(async (tx) => {
        const [room] = await tx
          .select({ pending: rooms.historyRewritePending })
          .from(rooms)
          .where(eq(rooms.id, roomId))
          .for("update");
        if (!room || room.pending) return false;
        const [now] = await tx
          .select({ n: sql<number>`count(*)::int` })
          .from(roomUpdates)
          .where(and(eq(roomUpdates.roomId, roomId), lte(roomUpdates.seq, seq)));
        if (Number(now?.n ?? 0) !== rows) return false;
        await tx.delete(roomUpdates).where(and(eq(roomUpdates.roomId, roomId), lte(roomUpdates.seq, seq)));
        await tx.insert(roomUpdates).values({ roomId, seq, update: snapshot });
        return true;
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
