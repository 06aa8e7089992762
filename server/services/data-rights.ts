/**
 * A person's rights over their data: everything Mend holds about them, as JSON; and deleting
 * their account, which removes their private data and their memberships while the other people
 * in their rooms keep what they share (the agreement, signed versions, kept transcripts, under
 * "someone who has left").
 */
import { and, eq, sql } from "drizzle-orm";
import { readAgreement } from "@/app/lib/room-doc";
import { CloseCode } from "@/app/lib/wire";
import type { Database } from "@/db/client";
import {
  agreementEvents,
  checkIns,
  exerciseEvents,
  healingRatings,
  healingSharing,
  memberships,
  privateItems,
  rooms as roomsTable,
  therapistNotes,
  therapySessions,
  users,
} from "@/db/schema";
import { AppError } from "../errors";
import { log } from "../log";
import type { RoomRegistry } from "../rooms/registry";
import type { Accounts } from "./accounts";

export function createDataRights(db: Database, accounts: Accounts, registry: RoomRegistry) {
  /** Set once socket.io exists: ends a user's command sockets in a room. */
  let endSockets: (roomId: string, userId: string) => Promise<void> = async () => {};

  return {
    bindSockets(fn: (roomId: string, userId: string) => Promise<void>): void {
      endSockets = fn;
    },

    /** Everything about this person: their account, rooms, own writing and records. */
    async export(userId: string) {
      const [me] = await db.select({ id: users.id, name: users.name, email: users.email, kind: users.kind, createdAt: users.createdAt }).from(users).where(eq(users.id, userId));
      if (!me) throw new AppError("not_found", "There is no such account.");
      const mine = await db
        .select({ roomId: memberships.roomId, role: memberships.role, joinedAt: memberships.createdAt, title: roomsTable.title })
        .from(memberships)
        .innerJoin(roomsTable, eq(roomsTable.id, memberships.roomId))
        .where(eq(memberships.userId, userId));
      const roomIds = mine.map((m) => m.roomId);
      const [items, ratings, notes, checks, events, said, sessions] = await Promise.all([
        db.select().from(privateItems).where(eq(privateItems.ownerId, userId)),
        db.select().from(healingRatings).where(eq(healingRatings.ownerId, userId)),
        db.select().from(therapistNotes).where(eq(therapistNotes.therapistId, userId)),
        db.select().from(checkIns).where(eq(checkIns.userId, userId)),
        db.select().from(agreementEvents).where(eq(agreementEvents.userId, userId)),
        db.select({ exerciseId: exerciseEvents.exerciseId, kind: exerciseEvents.entryKind, text: exerciseEvents.text, at: exerciseEvents.createdAt }).from(exerciseEvents).where(and(eq(exerciseEvents.userId, userId), sql`${exerciseEvents.text} is not null`)),
        db.select().from(therapySessions).where(eq(therapySessions.therapistId, userId)),
      ]);
      // The shared agreement as it is now, in each room (it is theirs too).
      const agreements = await Promise.all(roomIds.map((id) => registry.withRoom(id, (room) => ({ roomId: id, items: readAgreement(room.doc) }))));
      return {
        exportedAt: new Date().toISOString(),
        account: { ...me, createdAt: me.createdAt.toISOString() },
        rooms: mine.map((m) => ({ ...m, joinedAt: m.joinedAt.toISOString(), agreement: agreements.find((a) => a.roomId === m.roomId)?.items ?? [] })),
        privateSpace: items.map((i) => ({ id: i.id, roomId: i.roomId, kind: i.kind, fields: i.fields, sharedWith: i.sharedWith, createdAt: i.createdAt.toISOString(), updatedAt: i.updatedAt.toISOString() })),
        healingRatings: ratings.map((r) => ({ roomId: r.roomId, day: r.day, safe: r.safe, connected: r.connected, note: r.note })),
        therapistNotes: notes.map((n) => ({ id: n.id, roomId: n.roomId, body: n.body, createdAt: n.createdAt.toISOString(), updatedAt: n.updatedAt.toISOString() })),
        checkIns: checks.map((c) => ({ roomId: c.roomId, itemId: c.itemId, day: c.day, outcome: c.outcome, note: c.note })),
        agreementHistory: events.map((e) => ({ roomId: e.roomId, itemId: e.itemId, kind: e.kind, at: e.createdAt.toISOString() })),
        keptTranscriptWords: said.map((s) => ({ exerciseId: s.exerciseId, kind: s.kind, text: s.text, at: s.at.toISOString() })),
        sessionsAsTherapist: sessions.map((s) => ({ roomId: s.roomId, startedAt: s.startedAt.toISOString(), endedAt: s.endedAt?.toISOString() ?? null, rounds: s.rounds })),
      };
    },

    /**
     * Deletes the account after a fresh password check. Their private space, ratings, notes,
     * check-ins and memberships go with it (foreign keys cascade); what they wrote into shared
     * records stays without their name. A room left with nobody in it is deleted.
     */
    async deleteAccount(userId: string, password: string): Promise<void> {
      await accounts.requirePassword(userId, password);
      const roomIds = (await db.select({ roomId: memberships.roomId }).from(memberships).where(eq(memberships.userId, userId))).map((m) => m.roomId);
      await db.transaction(async (tx) => {
        // Nothing of others' stays shared with an account that no longer exists.
        const named = sql`${JSON.stringify([userId])}::jsonb`;
        await tx.update(privateItems).set({ sharedWith: sql`${privateItems.sharedWith} - ${userId}::text` }).where(sql`${privateItems.sharedWith} @> ${named}`);
        await tx.update(healingSharing).set({ sharedWith: sql`${healingSharing.sharedWith} - ${userId}::text` }).where(sql`${healingSharing.sharedWith} @> ${named}`);
        await tx.delete(users).where(eq(users.id, userId));
        if (roomIds.length > 0) {
          await tx.execute(sql`delete from rooms r where r.id in (${sql.join(roomIds.map((id) => sql`${id}::uuid`), sql`, `)}) and not exists (select 1 from memberships m where m.room_id = r.id)`);
        }
      });
      for (const roomId of roomIds) {
        registry.disconnectUser(roomId, userId, CloseCode.unauthenticated, "This account was deleted.");
        await endSockets(roomId, userId).catch(() => {});
      }
      log.info("account deleted", { rooms: roomIds.length });
    },
  };
}

export type DataRights = ReturnType<typeof createDataRights>;
