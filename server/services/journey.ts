/**
 * Where a couple is on the ten steps (app/lib/journey.ts): a step has begun when something of
 * it exists that this person can see. Their partner's private drafts do not count: the journey
 * never reveals what someone has not shared.
 */
import { and, count, eq, isNotNull } from "drizzle-orm";
import type { StepState } from "@/app/lib/journey";
import { canSee } from "@/app/lib/private-space";
import { readAgreement } from "@/app/lib/room-doc";
import type { Database } from "@/db/client";
import { checkIns, exercises, healingRatings, memberships, privateItems } from "@/db/schema";
import { AppError } from "../errors";
import type { RoomRegistry } from "../rooms/registry";
import { experiences } from "@/app/lib/room-doc";
import type { Rooms } from "./rooms";

export function createJourney(db: Database, rooms: Rooms, registry: RoomRegistry) {
  return {
    async steps(roomId: string, userId: string): Promise<Record<number, StepState>> {
      const role = await rooms.roleOf(roomId, userId);
      if (!role) throw new AppError("forbidden", "You are not a member of this room.");
      const me = { userId, role };
      const items = (await db.select().from(privateItems).where(eq(privateItems.roomId, roomId))).filter((i) => canSee(i, me));
      const has = (kind: string) => items.some((i) => i.kind === kind);
      const [[started], [therapists], [checks], [ratings]] = await Promise.all([
        db.select({ n: count() }).from(exercises).where(and(eq(exercises.roomId, roomId), isNotNull(exercises.startedAt))),
        db.select({ n: count() }).from(memberships).where(and(eq(memberships.roomId, roomId), eq(memberships.role, "therapist"))),
        db.select({ n: count() }).from(checkIns).where(eq(checkIns.roomId, roomId)),
        db.select({ n: count() }).from(healingRatings).where(and(eq(healingRatings.roomId, roomId), eq(healingRatings.ownerId, userId))),
      ]);
      const doc = await registry.withRoom(roomId, (room) => ({
        agreement: readAgreement(room.doc),
        together: experiences(room.doc).length,
      }));
      const category = (c: string) => doc.agreement.some((i) => i.category === c);
      const begun = (yes: boolean): StepState => (yes ? "begun" : "not-yet");
      return {
        1: begun(has("acknowledgment")),
        2: begun((started?.n ?? 0) > 0),
        3: begun((started?.n ?? 0) > 0 || category("time-out")),
        4: begun(category("transparency") || category("check-ins") || (checks?.n ?? 0) > 0),
        5: begun(doc.agreement.length > 0),
        6: begun((therapists?.n ?? 0) > 0),
        7: begun(has("apology")),
        8: begun((ratings?.n ?? 0) > 0),
        9: begun(has("reflection")),
        10: begun(doc.together > 0),
      };
    },
  };
}

export type Journey = ReturnType<typeof createJourney>;
