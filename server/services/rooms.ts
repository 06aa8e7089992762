import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { Role } from "@/app/lib/permissions";
import type { Database } from "@/db/client";
import { memberships, roomAccessLog, rooms, users } from "@/db/schema";

export interface RoomSummary {
  id: string;
  title: string;
  role: Role;
  createdAt: string;
  members: Array<{ name: string; role: Role }>;
}

export function createRooms(db: Database) {
  return {
    /**
     * The creator becomes the room's first partner, or, with a therapist account, its therapist
     * (who then invites the couple: decision 004).
     */
    async create(userId: string, title: string): Promise<{ id: string; role: Role }> {
      return db.transaction(async (tx) => {
        const [me] = await tx.select({ kind: users.kind }).from(users).where(eq(users.id, userId)).limit(1);
        const role: Role = me?.kind === "therapist" ? "therapist" : "partner";
        const [room] = await tx.insert(rooms).values({ title, createdBy: userId }).returning({ id: rooms.id });
        await tx.insert(memberships).values({ roomId: room!.id, userId, role });
        // The partners can always read who was given access to their room, and when.
        if (role === "therapist" && me) {
          const [who] = await tx.select({ name: users.name }).from(users).where(eq(users.id, userId));
          await tx.insert(roomAccessLog).values({ roomId: room!.id, userId, name: who?.name ?? "", role, event: "added" });
        }
        return { id: room!.id, role };
      });
    },

    async listForUser(userId: string): Promise<RoomSummary[]> {
      const mine = await db
        .select({ id: rooms.id, title: rooms.title, role: memberships.role, createdAt: rooms.createdAt })
        .from(memberships)
        .innerJoin(rooms, eq(rooms.id, memberships.roomId))
        .where(eq(memberships.userId, userId))
        .orderBy(desc(rooms.createdAt));
      if (mine.length === 0) return [];
      const others = await db
        .select({ roomId: memberships.roomId, userId: memberships.userId, name: users.name, role: memberships.role })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(inArray(memberships.roomId, mine.map((r) => r.id)))
        .orderBy(asc(memberships.createdAt));
      return mine.map((r) => ({
        id: r.id,
        title: r.title,
        role: r.role,
        createdAt: r.createdAt.toISOString(),
        members: others.filter((o) => o.roomId === r.id && o.userId !== userId).map((o) => ({ name: o.name, role: o.role })),
      }));
    },

    /** The member's role, or null when the room does not exist or they are not in it. */
    async roleOf(roomId: string, userId: string): Promise<Role | null> {
      const [row] = await db
        .select({ role: memberships.role })
        .from(memberships)
        .where(and(eq(memberships.roomId, roomId), eq(memberships.userId, userId)))
        .limit(1);
      return row?.role ?? null;
    },

    /** Membership and the member's current name, checked at every connect. */
    async member(roomId: string, userId: string): Promise<{ userId: string; name: string; role: Role } | null> {
      const [row] = await db
        .select({ userId: users.id, name: users.name, role: memberships.role })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.roomId, roomId), eq(memberships.userId, userId)))
        .limit(1);
      return row ?? null;
    },

    async members(roomId: string): Promise<Array<{ userId: string; name: string; role: Role }>> {
      return db
        .select({ userId: users.id, name: users.name, role: memberships.role })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(eq(memberships.roomId, roomId))
        .orderBy(asc(memberships.createdAt));
    },

    async get(roomId: string): Promise<{ id: string; title: string } | null> {
      const [row] = await db.select({ id: rooms.id, title: rooms.title }).from(rooms).where(eq(rooms.id, roomId)).limit(1);
      return row ?? null;
    },
  };
}

export type Rooms = ReturnType<typeof createRooms>;
