/** Rooms and invites over HTTP, with every refusal the API documents. */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, newPerson, type Person } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";

let server: TestServer;
let ana: Person;
let ben: Person;
let stranger: Person;

beforeAll(async () => {
  server = await startServer();
  [ana, ben, stranger] = await Promise.all([newPerson(server.url, "Ana"), newPerson(server.url, "Ben"), newPerson(server.url, "Cy")]);
});
afterAll(async () => {
  await server.stop();
  await server.database.drop();
});

const post = (path: string, cookie?: string, body?: unknown) => api(server.url, "POST", path, { cookie, body });

async function newRoom(owner: Person, title = "Sundays") {
  const res = await post("/api/rooms", owner.cookie, { title });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function invite(roomId: string, by: Person, role: "partner" | "therapist" = "partner") {
  const res = await post(`/api/rooms/${roomId}/invites`, by.cookie, { role });
  expect(res.status).toBe(201);
  return res.body as { id: string; token: string; url: string };
}

describe("rooms", () => {
  it("creates a room whose creator is its first partner, and lists it with the role", async () => {
    const roomId = await newRoom(ana, "  Our Sunday talks  ");
    const list = await api(server.url, "GET", "/api/rooms", { cookie: ana.cookie });
    expect(list.status).toBe(200);
    expect(list.body.rooms).toContainEqual(expect.objectContaining({ id: roomId, title: "Our Sunday talks", role: "partner" }));
    const theirs = await api(server.url, "GET", "/api/rooms", { cookie: stranger.cookie });
    expect(theirs.body.rooms.map((r: { id: string }) => r.id)).not.toContain(roomId);
  });

  it("401 without a session, 400 for a missing or too long title", async () => {
    expect((await post("/api/rooms", undefined, { title: "x" })).status).toBe(401);
    expect((await api(server.url, "GET", "/api/rooms")).status).toBe(401);
    expect((await post("/api/rooms", ana.cookie, { title: "   " })).status).toBe(400);
    expect((await post("/api/rooms", ana.cookie, { title: "x".repeat(121) })).status).toBe(400);
    expect((await post("/api/rooms", ana.cookie, { title: 42 })).status).toBe(400);
  });

  it("a forged or tampered session cookie counts as no session", async () => {
    const tampered = ana.cookie.slice(0, -4) + "AAAA";
    expect((await api(server.url, "GET", "/api/rooms", { cookie: tampered })).status).toBe(401);
    expect((await api(server.url, "GET", "/api/rooms", { cookie: "authjs.session-token=forged" })).status).toBe(401);
  });
});

describe("invites", () => {
  it("a member creates a link; the partner accepts it and the room lists both", async () => {
    const roomId = await newRoom(ana);
    const inv = await invite(roomId, ana);
    expect(inv.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(inv.url).toBe(`${server.url}/invite/${inv.token}`);
    const accepted = await post(`/api/invites/${inv.token}/accept`, ben.cookie);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ roomId, role: "partner" });
    const list = await api(server.url, "GET", "/api/rooms", { cookie: ben.cookie });
    expect(list.body.rooms).toContainEqual(expect.objectContaining({ id: roomId, role: "partner", members: [{ name: "Ana", role: "partner" }] }));
  });

  it("a therapist invite gives the therapist role", async () => {
    const roomId = await newRoom(ana);
    const therapist = await newPerson(server.url, "Dr Tess");
    const inv = await invite(roomId, ana, "therapist");
    const accepted = await post(`/api/invites/${inv.token}/accept`, therapist.cookie);
    expect(accepted.body).toEqual({ roomId, role: "therapist" });
    // a therapist may bring in a partner, but only partners decide about a therapist
    expect((await post(`/api/rooms/${roomId}/invites`, therapist.cookie, { role: "partner" })).status).toBe(201);
    const refused = await post(`/api/rooms/${roomId}/invites`, therapist.cookie, { role: "therapist" });
    expect(refused.status).toBe(403);
  });

  it("only members may invite: 401 without a session, 403 for a stranger or an unknown room, 404 for a malformed id", async () => {
    const roomId = await newRoom(ana);
    expect((await post(`/api/rooms/${roomId}/invites`, undefined, { role: "partner" })).status).toBe(401);
    const strangers = await post(`/api/rooms/${roomId}/invites`, stranger.cookie, { role: "partner" });
    expect(strangers.status).toBe(403);
    expect(strangers.body.error.code).toBe("forbidden");
    expect((await post(`/api/rooms/${randomUUID()}/invites`, ana.cookie, { role: "partner" })).status).toBe(403);
    expect((await post(`/api/rooms/not-a-room/invites`, ana.cookie, { role: "partner" })).status).toBe(404);
    expect((await post(`/api/rooms/${roomId}/invites`, ana.cookie, { role: "owner" })).status).toBe(400);
  });

  it("is single-use: a second accept is 410", async () => {
    const roomId = await newRoom(ana);
    const inv = await invite(roomId, ana);
    expect((await post(`/api/invites/${inv.token}/accept`, ben.cookie)).status).toBe(200);
    const again = await post(`/api/invites/${inv.token}/accept`, stranger.cookie);
    expect(again.status).toBe(410);
    expect(again.body.error.message).toMatch(/already been used/);
  });

  it("opening one's own room's link changes nothing and leaves the invite for its person", async () => {
    const roomId = await newRoom(ana);
    const inv = await invite(roomId, ana);
    expect((await post(`/api/invites/${inv.token}/accept`, ana.cookie)).body).toEqual({ roomId, role: "partner" });
    expect((await post(`/api/invites/${inv.token}/accept`, ben.cookie)).status).toBe(200);
  });

  it("can be withdrawn: listed while open, 410 after revoking, and a second revoke is 404", async () => {
    const roomId = await newRoom(ana);
    const inv = await invite(roomId, ana);
    const listed = await api(server.url, "GET", `/api/rooms/${roomId}/invites`, { cookie: ana.cookie });
    expect(listed.body.invites).toEqual([expect.objectContaining({ id: inv.id, role: "partner" })]);
    expect(JSON.stringify(listed.body)).not.toContain(inv.token);
    expect((await api(server.url, "GET", `/api/rooms/${roomId}/invites`, { cookie: stranger.cookie })).status).toBe(403);
    expect((await api(server.url, "DELETE", `/api/rooms/${roomId}/invites/${inv.id}`, { cookie: stranger.cookie })).status).toBe(403);
    expect((await api(server.url, "DELETE", `/api/rooms/${roomId}/invites/${inv.id}`, { cookie: ana.cookie })).status).toBe(204);
    expect((await api(server.url, "DELETE", `/api/rooms/${roomId}/invites/${inv.id}`, { cookie: ana.cookie })).status).toBe(404);
    const res = await post(`/api/invites/${inv.token}/accept`, ben.cookie);
    expect(res.status).toBe(410);
    expect(res.body.error.message).toMatch(/withdrawn/);
    expect((await api(server.url, "GET", `/api/rooms/${roomId}/invites`, { cookie: ana.cookie })).body.invites).toEqual([]);
  });

  it("404 for an unknown or malformed token; 401 without a session", async () => {
    expect((await post(`/api/invites/${"A".repeat(43)}/accept`, ben.cookie)).status).toBe(404);
    expect((await post(`/api/invites/short/accept`, ben.cookie)).status).toBe(404);
    const roomId = await newRoom(ana);
    const inv = await invite(roomId, ana);
    expect((await post(`/api/invites/${inv.token}/accept`)).status).toBe(401);
  });

  it("a room has at most two partners: 409 on accept and on creating another partner invite", async () => {
    const roomId = await newRoom(ana);
    const first = await invite(roomId, ana);
    const second = await invite(roomId, ana);
    expect((await post(`/api/invites/${first.token}/accept`, ben.cookie)).status).toBe(200);
    const third = await post(`/api/invites/${second.token}/accept`, stranger.cookie);
    expect(third.status).toBe(409);
    expect(third.body.error.code).toBe("conflict");
    expect((await post(`/api/rooms/${roomId}/invites`, ana.cookie, { role: "partner" })).status).toBe(409);
    // the refused invite was not used up by the failed attempt's transaction
    const rooms = await api(server.url, "GET", "/api/rooms", { cookie: stranger.cookie });
    expect(rooms.body.rooms.map((r: { id: string }) => r.id)).not.toContain(roomId);
  });

  it("two people accepting two partner invites at the same instant: exactly one gets in", async () => {
    const roomId = await newRoom(ana);
    const [i1, i2] = [await invite(roomId, ana), await invite(roomId, ana)];
    const results = await Promise.all([post(`/api/invites/${i1.token}/accept`, ben.cookie), post(`/api/invites/${i2.token}/accept`, stranger.cookie)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });
});
