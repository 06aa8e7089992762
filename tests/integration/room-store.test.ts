/**
 * The room's update log against the real database of this project (PGlite, and PostgreSQL where
 * set): a room is loaded from its whole log in one value, and a long log read at load is
 * rewritten later only if it is still exactly the rows that were read.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as Y from "yjs";
import type { OpenDatabase } from "@/db/client";
import { roomUpdates, rooms } from "@/db/schema";
import { applyLog, createRoomStore, type RoomStore } from "@/server/rooms/room-store";
import { type DatabaseWithUser, openDatabaseWithUser } from "../helpers/database";

let database: DatabaseWithUser;
let open: OpenDatabase;
let store: RoomStore;
let owner: string;
beforeAll(async () => {
  database = await openDatabaseWithUser("store");
  ({ open, userId: owner } = database);
  store = createRoomStore(open);
});
afterAll(() => database.close());

/** A room whose log holds `count` rows, one per edit of a text, as the edits made them. */
async function roomWithLog(count: number): Promise<{ roomId: string; text: string }> {
  const [room] = await open.db.insert(rooms).values({ title: "Log", createdBy: owner }).returning({ id: rooms.id });
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => updates.push(u));
  const text = doc.getText("t");
  for (let i = 0; i < count; i++) {
    // Some edits delete, so the log holds deletions too; one edit is much larger than the others.
    if (i % 7 === 6) text.delete(0, 1);
    else text.insert(text.length, i === 3 ? "x".repeat(70_000) : String(i % 10));
  }
  for (const update of updates) await store.append(room!.id, update);
  return { roomId: room!.id, text: text.toString() };
}

/** One edit of text "t", as an update of its own. */
function update(text: string): Uint8Array {
  const doc = new Y.Doc();
  let out: Uint8Array | null = null;
  doc.on("update", (u: Uint8Array) => (out = u));
  doc.getText("t").insert(0, text);
  return out!;
}

async function rowCount(roomId: string): Promise<number> {
  return store.countRows(roomId);
}

it("loads a room from every row of its log, in order, and says how many rows and up to which", async () => {
  const { roomId, text } = await roomWithLog(40);
  const loaded = await store.load(roomId);
  expect(loaded.doc.getText("t").toString()).toBe(text);
  expect(loaded.rows).toBe(40);
  expect(loaded.lastSeq).toBe(40);
  expect(loaded.rewritePending).toBe(false);

  const [empty] = await open.db.insert(rooms).values({ title: "Empty", createdBy: owner }).returning({ id: rooms.id });
  const nothing = await store.load(empty!.id);
  expect(nothing).toMatchObject({ rows: 0, lastSeq: 0, rewritePending: false });
  expect(Y.encodeStateVector(nothing.doc)).toEqual(Y.encodeStateVector(new Y.Doc()));
});

it("a log read at load is rewritten as one row, keeping the rows added after it", async () => {
  const { roomId } = await roomWithLog(20);
  const loaded = await store.load(roomId);
  const snapshot = Y.encodeStateAsUpdate(loaded.doc);
  // Someone writes after the load, before the rewrite.
  const later = new Y.Doc();
  Y.applyUpdate(later, snapshot);
  const updates: Uint8Array[] = [];
  later.on("update", (u: Uint8Array) => updates.push(u));
  later.getText("t").insert(0, "late ");
  await store.append(roomId, updates[0]!);

  expect(await store.replaceUpTo(roomId, loaded.lastSeq, snapshot, loaded.rows)).toBe(true);
  expect(await rowCount(roomId)).toBe(2);
  expect((await store.load(roomId)).doc.getText("t").toString()).toBe(later.getText("t").toString());
});

it("does not rewrite a log that was compacted after it was read: its words stay deleted", async () => {
  const { roomId } = await roomWithLog(20);
  const loaded = await store.load(roomId);
  const stale = Y.encodeStateAsUpdate(loaded.doc);
  // Words are deleted and the log rewritten without them (a discarded transcript) meanwhile.
  const now = new Y.Doc({ gc: true });
  Y.applyUpdate(now, stale);
  const updates: Uint8Array[] = [];
  now.on("update", (u: Uint8Array) => updates.push(u));
  now.getText("t").delete(0, now.getText("t").length);
  await store.append(roomId, updates[0]!);
  await store.compact(roomId, { clearRewrite: true });

  expect(await store.replaceUpTo(roomId, loaded.lastSeq, stale, loaded.rows)).toBe(false);
  const after = await store.load(roomId);
  expect(after.doc.getText("t").toString()).toBe("");
  // The deleted words are not in the log at all (not only hidden): nothing of them is stored.
  const [row] = await open.db.select({ update: roomUpdates.update }).from(roomUpdates).where(eq(roomUpdates.roomId, roomId));
  expect(Buffer.from(row!.update).includes(Buffer.from("x".repeat(1_000)))).toBe(false);
});

it("does not rewrite a log while a deletion waits for its own rewrite", async () => {
  const { roomId } = await roomWithLog(12);
  const loaded = await store.load(roomId);
  await open.db.update(rooms).set({ historyRewritePending: true }).where(eq(rooms.id, roomId));
  expect(await store.replaceUpTo(roomId, loaded.lastSeq, Y.encodeStateAsUpdate(loaded.doc), loaded.rows)).toBe(false);
  expect(await rowCount(roomId)).toBe(12);
  expect((await store.load(roomId)).rewritePending).toBe(true);
});

it("a damaged row makes the load fail plainly instead of opening the room without some edits", async () => {
  const { roomId } = await roomWithLog(3);
  await open.db.update(roomUpdates).set({ update: new Uint8Array([1]) }).where(and(eq(roomUpdates.roomId, roomId), eq(roomUpdates.seq, 2)));
  await expect(store.load(roomId)).rejects.toThrow();
});

it("applyLog applies a log row by row, and refuses one whose lengths do not match its updates", () => {
  const source = new Y.Doc();
  const updates: Uint8Array[] = [];
  source.on("update", (u: Uint8Array) => updates.push(u));
  source.getText("t").insert(0, "ab");
  source.getText("t").insert(2, "c");
  // The shape `wholeLog` reads: <4-byte length><update> per row.
  const framed = (parts: Uint8Array[]) =>
    new Uint8Array(
      Buffer.concat(
        parts.flatMap((u) => {
          const length = Buffer.alloc(4);
          length.writeUInt32BE(u.byteLength);
          return [length, Buffer.from(u)];
        }),
      ),
    );
  const doc = new Y.Doc();
  expect(applyLog(doc, framed(updates))).toBe(2);
  expect(doc.getText("t").toString()).toBe("abc");
  expect(applyLog(new Y.Doc(), null)).toBe(0);
  // A length that points past the end, and one that is longer than its update.
  const whole = framed(updates);
  expect(() => applyLog(new Y.Doc(), whole.subarray(0, whole.byteLength - 1))).toThrow(/past its end/);
  const padded = framed([new Uint8Array([...updates[0]!, 0])]);
  expect(() => applyLog(new Y.Doc(), padded)).toThrow(/does not end where its length says/);
});

it("appends to many rooms in one commit, each with its own next sequence number; a room that is gone is told so", async () => {
  const a = await roomWithLog(3);
  const b = await roomWithLog(5);
  const gone = "00000000-0000-4000-8000-000000000000";
  // Asked in the same tick: they share one commit.
  const results = await Promise.allSettled([
    store.append(a.roomId, update("a")),
    store.append(b.roomId, update("b")),
    store.append(gone, update("c")),
    store.append(a.roomId, update("a2")),
  ]);
  expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([4, 6, `room ${gone} does not exist`, 4]);
  expect((await store.load(a.roomId)).doc.getText("t").toString()).toContain("a2");
  expect(await rowCount(b.roomId)).toBe(6);
});

it("an append the database does not answer in time fails; one queued behind it fails too and is never written", async () => {
  const { roomId } = await roomWithLog(2);
  const slow = createRoomStore(open, { saveTimeoutMs: 300 });
  // Another transaction holds the room's row: the commit waits on it, as on a database that hangs.
  // (On PGlite the whole database waits behind the open transaction.)
  let release!: () => void;
  const holding = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const holder = open.db.transaction(async (tx) => {
    await tx.select({ id: rooms.id }).from(rooms).where(eq(rooms.id, roomId)).for("update");
    locked();
    await holding;
  });
  await isLocked;
  const first = slow.append(roomId, update("late"));
  // The first is in flight by now (its commit started on the next turn of the loop); this one waits behind it.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const queued = slow.append(roomId, update("never"));
  await expect(first).rejects.toThrow("no answer from the database within 300 ms");
  await expect(queued).rejects.toThrow("no answer from the database within 300 ms");
  release();
  await holder;
  // The store works again. The late commit may still land (its room writes it again anyway); the
  // queued append that expired does not.
  const seq = await slow.append(roomId, update("after"));
  expect(seq).toBeGreaterThan(2);
  const text = (await slow.load(roomId)).doc.getText("t").toString();
  expect(text).toContain("after");
  expect(text).not.toContain("never");
});
