/**
 * "Edit" events (the agreement's history of who changed an item) are written together, in one
 * statement, so a crowd starting to type does not queue in front of the rooms' saves.
 */
import { randomUUID } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { OpenDatabase } from "@/db/client";
import { agreementEvents, rooms } from "@/db/schema";
import type { RoomRegistry } from "@/server/rooms/registry";
import { createAgreement } from "@/server/services/agreement";
import type { Rooms } from "@/server/services/rooms";
import { waitFor } from "../helpers/http";
import { type DatabaseWithUser, openDatabaseWithUser } from "../helpers/database";

let database: DatabaseWithUser;
let open: OpenDatabase;
let userId: string;
beforeAll(async () => {
  database = await openDatabaseWithUser("edits");
  ({ open, userId } = database);
});
afterAll(() => database.close());

// Recording edits needs only the database.
const agreement = () => createAgreement(open.db, {} as Rooms, {} as RoomRegistry);

it("records the edits of many rooms at once, one per person and item", async () => {
  const created = await open.db.insert(rooms).values(Array.from({ length: 40 }, (_, i) => ({ title: `Room ${i}`, createdBy: userId }))).returning({ id: rooms.id });
  const ids = created.map((r) => r.id);
  const service = agreement();
  for (const id of ids) {
    service.recordEdits(id, userId, ["item-1", "item-2"]);
    service.recordEdits(id, userId, ["item-1"]); // within the window: not again
  }
  const rows = await waitFor(async () => {
    const found = await open.db.select().from(agreementEvents).where(inArray(agreementEvents.roomId, ids));
    return found.length >= 80 ? found : null;
  }, "80 edit events");
  expect(rows).toHaveLength(80);
  expect(new Set(rows.map((r) => `${r.roomId}:${r.itemId}`)).size).toBe(80);
  expect(rows.every((r) => r.kind === "edit" && r.userId === userId)).toBe(true);
});

it("a room that is gone does not cost the other rooms their history", async () => {
  const [kept] = await open.db.insert(rooms).values({ title: "Kept", createdBy: userId }).returning({ id: rooms.id });
  const service = agreement();
  service.recordEdits(randomUUID(), userId, ["item-1"]); // no such room: this row cannot be written
  service.recordEdits(kept!.id, userId, ["item-1"]);
  await waitFor(async () => (await open.db.select().from(agreementEvents).where(eq(agreementEvents.roomId, kept!.id))).length === 1, "the kept room's event");
});
