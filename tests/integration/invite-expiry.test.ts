/** Its own server with invites that last one second (INVITE_TTL_SECONDS), waited out in real time. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { api, newPerson } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { INVITE_TTL_SECONDS: "1" } });
});
afterAll(async () => {
  await server.stop();
  await server.database.drop();
});

it("an expired invite is 410 with a plain reason, and is no longer listed", async () => {
  const [ana, ben] = await Promise.all([newPerson(server.url, "Ana"), newPerson(server.url, "Ben")]);
  const room = await api(server.url, "POST", "/api/rooms", { cookie: ana.cookie, body: { title: "R" } });
  const inv = await api(server.url, "POST", `/api/rooms/${room.body.id}/invites`, { cookie: ana.cookie, body: { role: "partner" } });
  expect(new Date(inv.body.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(1000);
  await new Promise((r) => setTimeout(r, 1100));
  const res = await api(server.url, "POST", `/api/invites/${inv.body.token}/accept`, { cookie: ben.cookie });
  expect(res.status).toBe(410);
  expect(res.body.error.message).toMatch(/expired/);
  const listed = await api(server.url, "GET", `/api/rooms/${room.body.id}/invites`, { cookie: ana.cookie });
  expect(listed.body.invites).toEqual([]);
});
