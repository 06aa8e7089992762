/** Check-ins: partners record one per item per day; both partners and the therapist read them. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { addAgreementItem } from "@/app/lib/room-doc";
import { api, newPerson, pairedRoom, waitFor } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";
import { connectY } from "../helpers/yjs-client";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
  await server.database.drop();
});

const today = () => new Date().toISOString().slice(0, 10);

it("records, replaces the same day's, lists for partners and therapist, and refuses what it should", async () => {
  const { a, b, roomId } = await pairedRoom(server.url);
  const ana = await connectY(server.url, roomId, a.cookie);
  addAgreementItem(ana.doc, { id: "item-1", createdBy: a.id, commitment: "Daily check-in" });
  await ana.waitSaved();
  const post = (cookie: string | undefined, body: unknown) => api(server.url, "POST", `/api/rooms/${roomId}/check-ins`, { cookie, body });

  const signals = () => ana.doc.getMap("signals").get("checkIns");
  const before = signals();
  expect((await post(a.cookie, { itemId: "item-1", day: today(), outcome: "kept", note: "It felt good." })).status).toBe(201);
  await waitFor(() => signals() !== before, "a signal through the room's document");
  expect((await post(b.cookie, { itemId: "item-1", day: today(), outcome: "partly" })).status).toBe(201);
  // a second check-in the same day replaces the first
  expect((await post(a.cookie, { itemId: "item-1", day: today(), outcome: "partly", note: "Rushed." })).status).toBe(201);

  const t = await newPerson(server.url, "Tess");
  const inv = await api(server.url, "POST", `/api/rooms/${roomId}/invites`, { cookie: a.cookie, body: { role: "therapist" } });
  await api(server.url, "POST", `/api/invites/${inv.body.token}/accept`, { cookie: t.cookie });
  for (const cookie of [a.cookie, b.cookie, t.cookie]) {
    const list = await api(server.url, "GET", `/api/rooms/${roomId}/check-ins`, { cookie });
    expect(list.status).toBe(200);
    expect(list.body.checkIns).toHaveLength(2);
    expect(list.body.checkIns).toContainEqual(expect.objectContaining({ name: "Ana", outcome: "partly", note: "Rushed.", day: today() }));
  }

  expect((await post(t.cookie, { itemId: "item-1", day: today(), outcome: "kept" })).status).toBe(403);
  const stranger = await newPerson(server.url, "Cy");
  expect((await post(stranger.cookie, { itemId: "item-1", day: today(), outcome: "kept" })).status).toBe(403);
  expect((await api(server.url, "GET", `/api/rooms/${roomId}/check-ins`, { cookie: stranger.cookie })).status).toBe(403);
  expect((await post(undefined, { itemId: "item-1", day: today(), outcome: "kept" })).status).toBe(401);
  expect((await post(a.cookie, { itemId: "nope", day: today(), outcome: "kept" })).status).toBe(404);
  expect((await post(a.cookie, { itemId: "item-1", day: "2020-01-01", outcome: "kept" })).status).toBe(400);
  expect((await post(a.cookie, { itemId: "item-1", day: today(), outcome: "failed" })).status).toBe(400);
  expect((await post(a.cookie, { itemId: "item-1", day: today(), outcome: "kept", note: "x".repeat(501) })).status).toBe(400);
  ana.close();
});
