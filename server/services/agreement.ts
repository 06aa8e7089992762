import { eq } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import type { ItemStatusRecord, ReviewDecision } from "@/app/lib/agreement";
import { type Comment, comments, findAgreementItem } from "@/app/lib/room-doc";
import { can } from "@/app/lib/permissions";
import type { Database } from "@/db/client";
import { and, asc } from "drizzle-orm";
import { agreementEvents, rooms as roomsTable, users } from "@/db/schema";
import { AppError } from "../errors";
import { applyConsent, applyReviewDecision, applyStartReview, applyWithdraw, currentHash, SERVER_ORIGIN, statusOf } from "../rooms/agreement-status";
import type { RoomRegistry } from "../rooms/registry";
import type { Rooms } from "./rooms";

/** drizzle wraps the driver's error; both drivers give PostgreSQL's SQLSTATE as `code`. */
function isForeignKeyViolation(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === "23503") return true;
  }
  return false;
}

/** Typing makes many updates: one "edit" per person and item in this window is enough history. */
const EDIT_EVENT_WINDOW_MS = 10 * 60 * 1000;

/**
 * Consent is a command, never a client write: checked against the item's current wording,
 * recorded in `agreement_events` under the room's row lock (commands for one room are
 * serialized in Postgres), then written to the room's server-only status section.
 */
export function createAgreement(db: Database, rooms: Rooms, registry: RoomRegistry) {
  /**
   * When each person's last "edit" per item was recorded: room → user → item. Nested maps, so a
   * keystroke looks up three keys it already has instead of building a key string. Forgotten
   * whole beyond 10,000 entries (at worst an extra "edit" in the history).
   */
  let lastEdit = new Map<string, Map<string, Map<string, number>>>();
  let remembered = 0;
  function editedRecently(roomId: string, userId: string, itemId: string, now: number): boolean {
    let byUser = lastEdit.get(roomId);
    if (!byUser) lastEdit.set(roomId, (byUser = new Map()));
    let byItem = byUser.get(userId);
    if (!byItem) byUser.set(userId, (byItem = new Map()));
    const last = byItem.get(itemId);
    if (last !== undefined && now - last < EDIT_EVENT_WINDOW_MS) return true;
    if (last === undefined) remembered++;
    byItem.set(itemId, now);
    return false;
  }
  async function partnerOf(roomId: string, userId: string): Promise<string[]> {
    const members = await rooms.members(roomId);
    const me = members.find((m) => m.userId === userId);
    if (!me) throw new AppError("forbidden", "You are not a member of this room.");
    if (!can(me.role, "agreement:consent")) throw new AppError("forbidden", "Only the partners agree to the items.");
    return members.filter((m) => m.role === "partner").map((m) => m.userId);
  }

  async function record(roomId: string, event: typeof agreementEvents.$inferInsert): Promise<void> {
    await db.transaction(async (tx) => {
      await tx.select({ id: roomsTable.id }).from(roomsTable).where(eq(roomsTable.id, roomId)).for("update");
      await tx.insert(agreementEvents).values(event);
    });
  }

  /**
   * "Edit" events waiting to be written, all in one statement: when many people start typing at
   * once (a thousand rooms, or everyone back after a restart), one insert each would queue in
   * front of the rooms' saves in the connection pool and hold "Saved" back by hundreds of ms.
   */
  let editEvents: Array<typeof agreementEvents.$inferInsert> = [];
  async function writeEditEvents(): Promise<void> {
    const rows = editEvents;
    editEvents = [];
    for (let i = 0; i < rows.length; i += 1_000) {
      const chunk = rows.slice(i, i + 1_000);
      try {
        await db.insert(agreementEvents).values(chunk);
      } catch (error) {
        // A room deleted meanwhile fails the whole statement: then each row on its own, so the
        // other rooms' history is kept. Any other failure (the database is away) drops them, as
        // one insert each always did: it is history, best effort.
        if (!isForeignKeyViolation(error)) continue;
        for (const row of chunk) await db.insert(agreementEvents).values(row).catch(() => {});
      }
    }
  }

  return {
    /** Called by the live room after a member's update changed these items. Best effort: it is history. */
    recordEdits(roomId: string, userId: string, itemIds: Iterable<string>): void {
      if (remembered > 10_000) {
        lastEdit = new Map();
        remembered = 0;
      }
      const now = Date.now();
      const wasEmpty = editEvents.length === 0;
      for (const itemId of itemIds) {
        if (editedRecently(roomId, userId, itemId, now)) continue;
        // Stamped now, not when written: the history is ordered by time.
        editEvents.push({ roomId, itemId, userId, kind: "edit", createdAt: new Date(now) });
      }
      if (wasEmpty && editEvents.length > 0) setImmediate(() => void writeEditEvents());
    },

    async consent(roomId: string, userId: string, itemId: string, hash: string): Promise<ItemStatusRecord> {
      const partners = await partnerOf(roomId, userId);
      if (partners.length < 2) throw new AppError("conflict", "Your partner needs to join the room before you can agree on items.");
      return registry.withRoomInOrder(roomId, async (room) => {
        const before = currentHash(room.doc, itemId);
        if (before === null) throw new AppError("not_found", "This item is no longer in the agreement.");
        if (before !== hash) {
          throw new AppError("conflict", "The wording changed while you were reading it. Please read it again before you agree.");
        }
        await record(roomId, { roomId, itemId, userId, kind: "consent", contentHash: hash });
        // Checked again: an edit may have arrived while the event was being recorded. In that
        // rare case the event stays as an attempt and the status does not change.
        const result = applyConsent(room.doc, itemId, userId, hash, partners);
        if (!result.ok) throw new AppError(result.code, result.message);
        return result.record;
      });
    },

    /** What happened to one item, oldest first: consents, their withdrawal, reviews (members). */
    async history(roomId: string, userId: string, itemId: string) {
      if (!(await rooms.member(roomId, userId))) throw new AppError("forbidden", "You are not a member of this room.");
      const rows = await db
        .select({ kind: agreementEvents.kind, name: users.name, at: agreementEvents.createdAt })
        .from(agreementEvents)
        .leftJoin(users, eq(users.id, agreementEvents.userId))
        .where(and(eq(agreementEvents.roomId, roomId), eq(agreementEvents.itemId, itemId)))
        .orderBy(asc(agreementEvents.createdAt));
      return rows.map((r) => ({ kind: r.kind, name: r.name ?? "Someone who has left", at: r.at.toISOString() }));
    },

    /** Reopens an agreed item: each partner then keeps or retires it (or changes its wording). */
    async startReview(roomId: string, userId: string, itemId: string): Promise<ItemStatusRecord> {
      await partnerOf(roomId, userId);
      return registry.withRoomInOrder(roomId, async (room) => {
        // Checked before anything is recorded, and again (inside applyStartReview) after.
        if (statusOf(room.doc, itemId).status !== "agreed") throw new AppError("conflict", "Only an agreed item can be reviewed.");
        await record(roomId, { roomId, itemId, userId, kind: "review-start" });
        const result = applyStartReview(room.doc, itemId, userId);
        if (!result.ok) throw new AppError(result.code, result.message);
        return result.record;
      });
    },

    async decideReview(roomId: string, userId: string, itemId: string, decision: ReviewDecision): Promise<ItemStatusRecord> {
      const partners = await partnerOf(roomId, userId);
      return registry.withRoomInOrder(roomId, async (room) => {
        if (statusOf(room.doc, itemId).status !== "under_review") throw new AppError("conflict", "This item is not under review.");
        await record(roomId, { roomId, itemId, userId, kind: decision === "keep" ? "review-keep" : "review-retire" });
        const result = applyReviewDecision(room.doc, itemId, userId, decision, partners);
        if (!result.ok) throw new AppError(result.code, result.message);
        return result.record;
      });
    },

    /** Partners and the therapist comment on an item; the server writes it, under their name. */
    async comment(roomId: string, userId: string, itemId: string, text: string): Promise<Comment> {
      const member = await rooms.member(roomId, userId);
      if (!member) throw new AppError("forbidden", "You are not a member of this room.");
      if (!can(member.role, "agreement:comment")) throw new AppError("forbidden", "You cannot comment in this room.");
      return registry.withRoom(roomId, (room) => {
        if (!findAgreementItem(room.doc, itemId)) throw new AppError("not_found", "This item is no longer in the agreement.");
        const entry: Comment = { id: randomUUID(), itemId, authorId: userId, name: member.name, role: member.role, text, at: Date.now() };
        room.doc.transact(() => comments(room.doc).push([entry]), SERVER_ORIGIN);
        return entry;
      });
    },

    /** Only its author takes a comment back. */
    async deleteComment(roomId: string, userId: string, commentId: string): Promise<void> {
      if (!(await rooms.member(roomId, userId))) throw new AppError("forbidden", "You are not a member of this room.");
      await registry.withRoom(roomId, (room) => {
        const list = comments(room.doc);
        const index = list.toArray().findIndex((c) => c.id === commentId);
        if (index === -1) throw new AppError("not_found", "That comment is not here any more.");
        if (list.get(index).authorId !== userId) throw new AppError("forbidden", "Only its author can remove a comment.");
        room.doc.transact(() => list.delete(index, 1), SERVER_ORIGIN);
      });
    },

    async withdraw(roomId: string, userId: string, itemId: string): Promise<ItemStatusRecord> {
      await partnerOf(roomId, userId);
      return registry.withRoomInOrder(roomId, async (room) => {
        if (currentHash(room.doc, itemId) === null) throw new AppError("not_found", "This item is no longer in the agreement.");
        await record(roomId, { roomId, itemId, userId, kind: "withdraw" });
        const result = applyWithdraw(room.doc, itemId, userId);
        if (!result.ok) throw new AppError(result.code, result.message);
        return result.record;
      });
    },
  };
}

export type Agreement = ReturnType<typeof createAgreement>;
