import { and, asc, eq, gte } from "drizzle-orm";
import { checkInSchema } from "@/app/lib/api-schemas";
import { can } from "@/app/lib/permissions";
import { findAgreementItem } from "@/app/lib/room-doc";
import type { Database } from "@/db/client";
import { checkIns, users } from "@/db/schema";
import { AppError } from "../errors";
import { SERVER_ORIGIN } from "../rooms/agreement-status";
import type { RoomRegistry } from "../rooms/registry";
import type { Rooms } from "./rooms";

export interface CheckInView {
  itemId: string;
  userId: string;
  name: string;
  day: string;
  outcome: "kept" | "partly" | "not_yet";
  note: string | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function createCheckIns(db: Database, rooms: Rooms, registry: RoomRegistry) {
  return {
    /** Records (or replaces) today's check-in for one item. */
    async record(roomId: string, userId: string, input: unknown): Promise<CheckInView> {
      const member = await rooms.member(roomId, userId);
      if (!member) throw new AppError("forbidden", "You are not a member of this room.");
      if (!can(member.role, "agreement:consent")) throw new AppError("forbidden", "Only the partners check in on their commitments.");
      const parsed = checkInSchema.safeParse(input);
      if (!parsed.success) throw new AppError("invalid_input", parsed.error.issues[0]?.message ?? "Please check the check-in.");
      const { itemId, day, outcome, note } = parsed.data;
      const now = Date.now();
      if (day < isoDay(now - DAY_MS) || day > isoDay(now + DAY_MS)) {
        throw new AppError("invalid_input", "A check-in is for today.");
      }
      const exists = await registry.withRoom(roomId, (room) => findAgreementItem(room.doc, itemId) !== null);
      if (!exists) throw new AppError("not_found", "This item is no longer in the agreement.");
      await db
        .insert(checkIns)
        .values({ roomId, itemId, userId, day, outcome, note: note || null })
        .onConflictDoUpdate({
          target: [checkIns.roomId, checkIns.itemId, checkIns.userId, checkIns.day],
          set: { outcome, note: note || null, createdAt: new Date() },
        });
      // Tells everyone in the room to fetch check-ins again (the rows themselves stay in Postgres).
      await registry.withRoom(roomId, (room) => room.doc.transact(() => room.doc.getMap("signals").set("checkIns", now), SERVER_ORIGIN));
      return { itemId, userId, name: member.name, day, outcome, note: note || null };
    },

    /** The last 90 days of check-ins in a room, oldest first (members, including the therapist). */
    async list(roomId: string, userId: string): Promise<CheckInView[]> {
      if (!(await rooms.member(roomId, userId))) throw new AppError("forbidden", "You are not a member of this room.");
      return db
        .select({ itemId: checkIns.itemId, userId: checkIns.userId, name: users.name, day: checkIns.day, outcome: checkIns.outcome, note: checkIns.note })
        .from(checkIns)
        .innerJoin(users, eq(users.id, checkIns.userId))
        .where(and(eq(checkIns.roomId, roomId), gte(checkIns.day, isoDay(Date.now() - 90 * DAY_MS))))
        .orderBy(asc(checkIns.day), asc(checkIns.createdAt));
    },
  };
}

export type CheckIns = ReturnType<typeof createCheckIns>;
