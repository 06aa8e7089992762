/**
 * Each partner's private space (acknowledgment, response, apology, reflection; healing ratings).
 * Rows in Postgres, never in the room's document. Every read goes through `canSee`
 * (app/lib/private-space.ts) and the SQL that selects rows applies the same rule, so nothing is
 * served to anyone it was not shared with. When something shared changes, the room's document
 * gets a content-free signal so the others fetch again.
 */
import { and, asc, eq, gte, inArray, ne, or, sql } from "drizzle-orm";
import { z } from "zod";
import { can, type Role } from "@/app/lib/permissions";
import { canSee } from "@/app/lib/private-space";
import { healingInput, privateItemInput, sharingInput } from "@/app/lib/private-space-input";
import type { Database } from "@/db/client";
import { healingRatings, healingSharing, privateItems, users } from "@/db/schema";
import { AppError } from "../errors";
import { SERVER_ORIGIN } from "../rooms/agreement-status";
import type { RoomRegistry } from "../rooms/registry";
import type { Rooms } from "./rooms";

export interface PrivateItemView {
  id: string;
  kind: (typeof privateItems.$inferSelect)["kind"];
  respondsTo: string | null;
  fields: Record<string, string>;
  ownerId: string;
  ownerName: string;
  /** Only in the author's own view: whom it is shared with. */
  sharedWith: string[];
  createdAt: string;
  updatedAt: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new AppError("invalid_input", parsed.error.issues[0]?.message ?? "Please check what you wrote.");
  return parsed.data;
}

export function createPrivateSpace(db: Database, rooms: Rooms, registry: RoomRegistry) {
  async function viewer(roomId: string, userId: string): Promise<{ userId: string; role: Role }> {
    const role = await rooms.roleOf(roomId, userId);
    if (!role) throw new AppError("forbidden", "You are not a member of this room.");
    return { userId, role };
  }

  /**
   * Tells these people "something shared with you changed" (a timestamp, no content), each under
   * their own key, so nobody learns when something not shared with them changes.
   */
  async function signal(roomId: string, people: Iterable<string>): Promise<void> {
    const audience = [...new Set(people)];
    if (audience.length === 0) return;
    await registry.withRoom(roomId, (room) => {
      const signals = room.doc.getMap("signals");
      const now = Date.now();
      room.doc.transact(() => {
        for (const userId of audience) signals.set(`private:${userId}`, now);
      }, SERVER_ORIGIN);
    });
  }

  /** Only people in the room, never the author themself. */
  async function validAudience(roomId: string, ownerId: string, ids: string[]): Promise<string[]> {
    const members = new Set((await rooms.members(roomId)).map((m) => m.userId));
    const unique = [...new Set(ids)].filter((id) => id !== ownerId);
    if (!unique.every((id) => members.has(id))) throw new AppError("invalid_input", "You can share only with people in this room.");
    return unique;
  }

  async function ownItem(itemId: string, userId: string) {
    const [item] = await db.select().from(privateItems).where(and(eq(privateItems.id, itemId), eq(privateItems.ownerId, userId))).limit(1);
    // Someone else's item does not exist, as far as anyone but its author can tell.
    if (!item || !(await rooms.roleOf(item.roomId, userId))) throw new AppError("not_found", "There is no such item.");
    return item;
  }

  return {
    /** Mine, and what others share with me, oldest first. */
    async list(roomId: string, userId: string): Promise<{ mine: PrivateItemView[]; sharedWithMe: PrivateItemView[] }> {
      const me = await viewer(roomId, userId);
      const sharedWithMe = sql`${privateItems.sharedWith} @> ${JSON.stringify([userId])}::jsonb`;
      const rows = await db
        .select({ item: privateItems, ownerName: users.name })
        .from(privateItems)
        .innerJoin(users, eq(users.id, privateItems.ownerId))
        .where(and(eq(privateItems.roomId, roomId), or(eq(privateItems.ownerId, userId), and(ne(privateItems.ownerId, userId), sharedWithMe))))
        .orderBy(asc(privateItems.createdAt));
      const views = rows
        .filter(({ item }) => canSee(item, me))
        .map(({ item, ownerName }) => ({
          id: item.id,
          kind: item.kind,
          respondsTo: item.respondsTo,
          fields: item.fields,
          ownerId: item.ownerId,
          ownerName,
          // Whom else it is shared with is the author's business only.
          sharedWith: item.ownerId === userId ? item.sharedWith : [],
          createdAt: item.createdAt.toISOString(),
          updatedAt: item.updatedAt.toISOString(),
        }));
      return { mine: views.filter((v) => v.ownerId === userId), sharedWithMe: views.filter((v) => v.ownerId !== userId) };
    },

    async create(roomId: string, userId: string, input: unknown): Promise<{ id: string }> {
      const me = await viewer(roomId, userId);
      if (!can(me.role, "agreement:consent")) throw new AppError("forbidden", "The private space is for the partners.");
      const data = parse(privateItemInput, input);
      if (data.respondsTo) {
        // One can answer only what one can read.
        const [target] = await db.select().from(privateItems).where(and(eq(privateItems.id, data.respondsTo), eq(privateItems.roomId, roomId))).limit(1);
        if (!target || target.ownerId === userId || !canSee(target, me)) throw new AppError("not_found", "There is nothing to respond to here.");
      }
      const [row] = await db
        .insert(privateItems)
        .values({ roomId, ownerId: userId, kind: data.kind, respondsTo: data.respondsTo ?? null, fields: data.fields })
        .returning({ id: privateItems.id });
      return row!;
    },

    async update(itemId: string, userId: string, input: unknown): Promise<{ updatedAt: string }> {
      const item = await ownItem(itemId, userId);
      const data = parse(privateItemInput, { kind: item.kind, fields: (input as { fields?: unknown } | null)?.fields });
      const [row] = await db
        .update(privateItems)
        .set({ fields: data.fields, updatedAt: new Date() })
        .where(and(eq(privateItems.id, itemId), eq(privateItems.ownerId, userId)))
        .returning({ updatedAt: privateItems.updatedAt });
      await signal(item.roomId, item.sharedWith);
      return { updatedAt: row!.updatedAt.toISOString() };
    },

    /** Shares an item with these people (by user id), or takes it back from whoever is left out. */
    async share(itemId: string, userId: string, input: unknown): Promise<{ sharedWith: string[] }> {
      const item = await ownItem(itemId, userId);
      const sharedWith = await validAudience(item.roomId, userId, parse(sharingInput, input).with);
      await db.update(privateItems).set({ sharedWith }).where(and(eq(privateItems.id, itemId), eq(privateItems.ownerId, userId)));
      await signal(item.roomId, [...item.sharedWith, ...sharedWith]);
      return { sharedWith };
    },

    async remove(itemId: string, userId: string): Promise<void> {
      const item = await ownItem(itemId, userId);
      await db.delete(privateItems).where(and(eq(privateItems.id, itemId), eq(privateItems.ownerId, userId)));
      await signal(item.roomId, item.sharedWith);
    },

    /** Today's rating (replacing today's earlier one): at most one a day. */
    async rate(roomId: string, userId: string, input: unknown): Promise<void> {
      const me = await viewer(roomId, userId);
      if (!can(me.role, "agreement:consent")) throw new AppError("forbidden", "Ratings are for the partners.");
      const data = parse(healingInput, input);
      const now = Date.now();
      if (![isoDay(now - DAY_MS), isoDay(now), isoDay(now + DAY_MS)].includes(data.day)) throw new AppError("invalid_input", "A rating is for today.");
      await db
        .insert(healingRatings)
        .values({ roomId, ownerId: userId, day: data.day, safe: data.safe, connected: data.connected, note: data.note ?? null })
        .onConflictDoUpdate({
          target: [healingRatings.roomId, healingRatings.ownerId, healingRatings.day],
          set: { safe: data.safe, connected: data.connected, note: data.note ?? null },
        });
      const [sharing] = await db.select().from(healingSharing).where(and(eq(healingSharing.roomId, roomId), eq(healingSharing.ownerId, userId)));
      await signal(roomId, sharing?.sharedWith ?? []);
    },

    async setRatingSharing(roomId: string, userId: string, input: unknown): Promise<void> {
      await viewer(roomId, userId);
      const sharedWith = await validAudience(roomId, userId, parse(sharingInput, input).with);
      const [before] = await db.select().from(healingSharing).where(and(eq(healingSharing.roomId, roomId), eq(healingSharing.ownerId, userId)));
      await db
        .insert(healingSharing)
        .values({ roomId, ownerId: userId, sharedWith })
        .onConflictDoUpdate({ target: [healingSharing.roomId, healingSharing.ownerId], set: { sharedWith } });
      await signal(roomId, [...(before?.sharedWith ?? []), ...sharedWith]);
    },

    /** My last 90 days, whom I share them with, and the trends others share with me. */
    async ratings(roomId: string, userId: string) {
      const me = await viewer(roomId, userId);
      const since = isoDay(Date.now() - 90 * DAY_MS);
      const shares = await db.select().from(healingSharing).where(eq(healingSharing.roomId, roomId));
      const mySharing = shares.find((s) => s.ownerId === userId)?.sharedWith ?? [];
      const visibleOwners = shares.filter((s) => s.ownerId !== userId && canSee(s, me)).map((s) => s.ownerId);
      const owners = [userId, ...visibleOwners];
      const rows = await db
        .select({ r: healingRatings, name: users.name })
        .from(healingRatings)
        .innerJoin(users, eq(users.id, healingRatings.ownerId))
        .where(and(eq(healingRatings.roomId, roomId), inArray(healingRatings.ownerId, owners), gte(healingRatings.day, since)))
        .orderBy(asc(healingRatings.day));
      const view = (r: typeof healingRatings.$inferSelect) => ({ day: r.day, safe: r.safe, connected: r.connected, note: r.note });
      return {
        mine: rows.filter(({ r }) => r.ownerId === userId).map(({ r }) => view(r)),
        sharedWith: mySharing,
        // A shared trend is the numbers only: the notes stay their author's.
        shared: visibleOwners.map((ownerId) => ({
          name: rows.find(({ r }) => r.ownerId === ownerId)?.name ?? "",
          ratings: rows.filter(({ r }) => r.ownerId === ownerId).map(({ r }) => ({ ...view(r), note: null })),
        })),
      };
    },
  };
}

export type PrivateSpace = ReturnType<typeof createPrivateSpace>;
