/**
 * Session records: a session is a therapist's time in a room, from their first live connection
 * to their last (a reload within the grace period continues it). It records who attended and
 * how many speak-and-listen turns were completed: never what was said.
 */
import { and, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import { can } from "@/app/lib/permissions";
import type { Database } from "@/db/client";
import { therapySessions, users } from "@/db/schema";
import { AppError } from "../errors";
import { log } from "../log";
import type { LiveRoom, RoomMember } from "../rooms/live-room";
import type { Access } from "./access";
import type { Rooms } from "./rooms";

export interface SessionView {
  id: string;
  therapist: string;
  startedAt: string;
  endedAt: string | null;
  attendees: string[];
  rounds: number;
}

type Attendee = { userId: string; name: string; role: "partner" | "therapist" };

/** How often a process renews the sessions it holds open. */
export const SESSION_HEARTBEAT_MS = 30_000;
/** A session not renewed for this long was left by a process that stopped: it ended then. */
const STALE_AFTER_MS = 3 * SESSION_HEARTBEAT_MS;

export function createSessions(db: Database, rooms: Rooms, access: Access, options: { graceMs: number }) {
  /** Open sessions in this process, by room and therapist. */
  const open = new Map<string, { id: Promise<string | null>; roomId: string; endTimer?: NodeJS.Timeout; leftAt?: Date }>();
  const key = (roomId: string, therapistId: string) => `${roomId}:${therapistId}`;
  const attendee = (m: RoomMember): Attendee => ({ userId: m.userId, name: m.name, role: m.role });

  async function start(room: LiveRoom, therapist: RoomMember): Promise<string | null> {
    try {
      // After a restart the row may still be open: the session simply continues.
      const [existing] = await db
        .select({ id: therapySessions.id })
        .from(therapySessions)
        .where(and(eq(therapySessions.roomId, room.id), eq(therapySessions.therapistId, therapist.userId), isNull(therapySessions.endedAt)))
        .orderBy(desc(therapySessions.startedAt))
        .limit(1);
      if (existing) {
        await db.update(therapySessions).set({ heartbeatAt: new Date() }).where(eq(therapySessions.id, existing.id));
        for (const m of room.present()) await addAttendee(existing.id, attendee(m));
        return existing.id;
      }
      const [row] = await db
        .insert(therapySessions)
        .values({ roomId: room.id, therapistId: therapist.userId, attendees: room.present().map(attendee) })
        .returning({ id: therapySessions.id });
      access.record(room.id, therapist, "entered");
      return row!.id;
    } catch (error) {
      log.error("could not start a session record", { room: room.id, reason: (error as Error).message.slice(0, 200) });
      return null;
    }
  }

  async function addAttendee(sessionId: string, a: Attendee): Promise<void> {
    // Appended only when not there yet, in one statement (no read-modify-write race).
    await db
      .update(therapySessions)
      .set({ attendees: sql`${therapySessions.attendees} || ${JSON.stringify([a])}::jsonb` })
      .where(and(eq(therapySessions.id, sessionId), sql`not ${therapySessions.attendees} @> ${JSON.stringify([{ userId: a.userId }])}::jsonb`));
  }

  return {
    /**
     * From the live room: someone opened or closed the room. A session is held by the process
     * its therapist is connected to (`here`); attendees are added wherever they joined.
     */
    onPresence(room: LiveRoom, member: RoomMember, present: boolean, here = true): void {
      if (member.role === "therapist") {
        if (!here) return;
        const k = key(room.id, member.userId);
        const current = open.get(k);
        if (present) {
          if (current?.endTimer) {
            clearTimeout(current.endTimer);
            current.endTimer = undefined;
            current.leftAt = undefined;
          } else if (!current) open.set(k, { id: start(room, member), roomId: room.id });
          return;
        }
        if (!current) return;
        current.leftAt = new Date();
        current.endTimer = setTimeout(() => {
          open.delete(k);
          void current.id.then(async (id) => {
            if (!id) return;
            await db.update(therapySessions).set({ endedAt: current.leftAt ?? new Date() }).where(eq(therapySessions.id, id));
            access.record(room.id, member, "left");
          }).catch((error: Error) => log.error("could not end a session record", { room: room.id, reason: error.message.slice(0, 200) }));
        }, options.graceMs);
        current.endTimer.unref();
        return;
      }
      if (!present) return;
      for (const s of open.values()) {
        if (s.roomId !== room.id) continue;
        void s.id.then((id) => (id ? addAttendee(id, attendee(member)) : undefined)).catch(() => {});
      }
    },

    /** A speak-and-listen turn was completed in this room. */
    onTurnCompleted(roomId: string): void {
      for (const s of open.values()) {
        if (s.roomId !== roomId || s.endTimer) continue;
        void s.id
          .then((id) => (id ? db.update(therapySessions).set({ rounds: sql`${therapySessions.rounds} + 1` }).where(eq(therapySessions.id, id)) : undefined))
          .catch(() => {});
      }
    },

    /** The therapist's open session in this room, for notes written during it. */
    async current(roomId: string, therapistId: string): Promise<string | null> {
      const s = open.get(key(roomId, therapistId));
      return s && !s.endTimer ? s.id : null;
    },

    /**
     * Renews the sessions this process holds, and ends those no process has renewed for a while
     * (left by one that stopped: they ended when it was last heard from). Every process runs it,
     * at start and then every SESSION_HEARTBEAT_MS.
     */
    async heartbeat(): Promise<void> {
      const held: string[] = [];
      for (const s of open.values()) {
        const id = await s.id.catch(() => null);
        if (id) held.push(id);
      }
      if (held.length > 0) await db.update(therapySessions).set({ heartbeatAt: new Date() }).where(inArray(therapySessions.id, held));
      await db
        .update(therapySessions)
        .set({ endedAt: sql`${therapySessions.heartbeatAt}` })
        .where(and(isNull(therapySessions.endedAt), lt(therapySessions.heartbeatAt, new Date(Date.now() - STALE_AFTER_MS))));
    },

    /** On shutdown: every open session ends (when its therapist left, or now). */
    async shutdown(): Promise<void> {
      const all = [...open.entries()];
      open.clear();
      await Promise.allSettled(
        all.map(async ([, s]) => {
          clearTimeout(s.endTimer);
          const id = await s.id;
          if (id) await db.update(therapySessions).set({ endedAt: s.leftAt ?? new Date() }).where(eq(therapySessions.id, id));
        }),
      );
    },

    /** Newest first: partners see every session; a therapist sees their own. */
    async list(roomId: string, userId: string): Promise<SessionView[]> {
      const role = await rooms.roleOf(roomId, userId);
      if (!can(role, "sessions:read")) throw new AppError("forbidden", "You are not a member of this room.");
      const rows = await db
        .select({ s: therapySessions, therapist: users.name })
        .from(therapySessions)
        .innerJoin(users, eq(users.id, therapySessions.therapistId))
        .where(role === "therapist" ? and(eq(therapySessions.roomId, roomId), eq(therapySessions.therapistId, userId)) : eq(therapySessions.roomId, roomId))
        .orderBy(desc(therapySessions.startedAt))
        .limit(100);
      return rows.map(({ s, therapist }) => ({
        id: s.id,
        therapist,
        startedAt: s.startedAt.toISOString(),
        endedAt: s.endedAt?.toISOString() ?? null,
        attendees: s.attendees.map((a) => a.name),
        rounds: s.rounds,
      }));
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
