/**
 * The partners' control over who else is in their room: either partner can end a therapist's
 * access at any time (the therapist can also leave), which closes the therapist's live
 * connections at once; and an access log of therapists being added, entering, leaving and being
 * removed, which the partners can read.
 */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { can, type Role } from "@/app/lib/permissions";
import { CloseCode } from "@/app/lib/wire";
import type { Database } from "@/db/client";
import { healingSharing, invites, memberships, privateItems, roomAccessLog } from "@/db/schema";
import { AppError } from "../errors";
import { log } from "../log";
import type { RoomRegistry } from "../rooms/registry";
import type { Rooms } from "./rooms";

export type AccessEvent = (typeof roomAccessLog.$inferInsert)["event"];

export interface AccessEntry {
  name: string;
  role: Role;
  event: AccessEvent;
  byName: string | null;
  at: string;
}

export function createAccess(db: Database, rooms: Rooms, registry: RoomRegistry) {
  /** Set once socket.io exists: ends this user's command sockets in this room. */
  let endSockets: (roomId: string, userId: string) => Promise<void> = async () => {};

  return {
    bindSockets(fn: (roomId: string, userId: string) => Promise<void>): void {
      endSockets = fn;
    },

    /** Best effort: a lost log line must never stop someone entering or leaving. */
    record(roomId: string, member: { userId: string; name: string; role: Role }, event: AccessEvent): void {
      void db
        .insert(roomAccessLog)
        .values({ roomId, userId: member.userId, name: member.name, role: member.role, event })
        .catch((error: Error) => log.error("could not write the access log", { room: roomId, reason: error.message.slice(0, 200) }));
    },

    /**
     * Ends a therapist's access: the membership goes (every later request and connection is
     * refused), then their live sockets are closed with 4403 right away.
     */
    async removeTherapist(roomId: string, byUserId: string, therapistId: string): Promise<void> {
      const by = await rooms.member(roomId, byUserId);
      if (!by) throw new AppError("forbidden", "You are not a member of this room.");
      const self = byUserId === therapistId;
      if (!self && !can(by.role, "member:remove-therapist")) throw new AppError("forbidden", "Only the partners decide who else is in their room.");
      const target = self ? by : await rooms.member(roomId, therapistId);
      if (!target) throw new AppError("not_found", "That person is not in this room.");
      if (target.role !== "therapist") throw new AppError("conflict", "Only a therapist's access can be removed here.");
      const removed = await db.transaction(async (tx) => {
        const gone = await tx
          .delete(memberships)
          .where(and(eq(memberships.roomId, roomId), eq(memberships.userId, therapistId)))
          .returning({ userId: memberships.userId });
        if (gone.length === 0) return false; // someone else removed them a moment ago
        // Nothing stays shared with them: a later invite (of them or another therapist) starts afresh.
        const named = sql`${JSON.stringify([therapistId])}::jsonb`;
        await tx
          .update(privateItems)
          .set({ sharedWith: sql`${privateItems.sharedWith} - ${therapistId}::text` })
          .where(and(eq(privateItems.roomId, roomId), sql`${privateItems.sharedWith} @> ${named}`));
        await tx
          .update(healingSharing)
          .set({ sharedWith: sql`${healingSharing.sharedWith} - ${therapistId}::text` })
          .where(and(eq(healingSharing.roomId, roomId), sql`${healingSharing.sharedWith} @> ${named}`));
        // Links they made can no longer let anyone in.
        await tx
          .update(invites)
          .set({ revokedAt: new Date() })
          .where(and(eq(invites.roomId, roomId), eq(invites.createdBy, therapistId), isNull(invites.usedAt), isNull(invites.revokedAt)));
        await tx.insert(roomAccessLog).values({
          roomId,
          userId: therapistId,
          name: target.name,
          role: "therapist",
          event: self ? "departed" : "revoked",
          byName: self ? null : by.name,
        });
        return true;
      });
      if (!removed) throw new AppError("not_found", "That person is not in this room.");
      registry.disconnectUser(roomId, therapistId, CloseCode.forbidden, "Your access to this room has ended.");
      await endSockets(roomId, therapistId);
      log.info("therapist access ended", { room: roomId, by: self ? "themselves" : "a partner" });
    },

    /** Oldest first. */
    async list(roomId: string, userId: string): Promise<AccessEntry[]> {
      const role = await rooms.roleOf(roomId, userId);
      if (!role) throw new AppError("forbidden", "You are not a member of this room.");
      if (!can(role, "access-log:read")) throw new AppError("forbidden", "The access log is for the partners.");
      const rows = await db.select().from(roomAccessLog).where(eq(roomAccessLog.roomId, roomId)).orderBy(asc(roomAccessLog.at)).limit(500);
      return rows.map((r) => ({ name: r.name, role: r.role, event: r.event, byName: r.byName, at: r.at.toISOString() }));
    },
  };
}

export type Access = ReturnType<typeof createAccess>;
