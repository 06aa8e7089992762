/**
 * Data rights: a person downloads everything Mend holds about them, and deletes their account:
 * their private data and memberships go, the other partner keeps the shared agreement, and the
 * old session opens nothing any more.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addAgreementItem, readAgreement } from "@/app/lib/room-doc";
import { CloseCode } from "@/app/lib/wire";
import { api, newPerson, signInRaw, waitFor } from "../helpers/http";
import { roomScene } from "../helpers/scene";
import { startServer, type TestServer } from "../helpers/server";
import { connectY, expectUpgradeRefused, yjsUrl } from "../helpers/yjs-client";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
  await server.database.drop();
});

describe("data rights", () => {
  it("the export holds one's own data and nobody else's private writing", async () => {
    const s = await roomScene(server.url, { therapist: true });
    const [ana, ben] = [s.ana.person, s.ben.person];
    await api(server.url, "POST", `/api/rooms/${s.roomId}/private`, { cookie: ana.cookie, body: { kind: "reflection", fields: { reflection: "ana-own-words" } } });
    await api(server.url, "POST", `/api/rooms/${s.roomId}/private`, { cookie: ben.cookie, body: { kind: "reflection", fields: { reflection: "ben-private-words" } } });
    addAgreementItem(s.ana.y.doc, { id: "item-1", createdBy: ana.id, commitment: "We talk every evening." });
    await s.ana.y.waitSaved();
    const res = await fetch(`${server.url}/api/account/export`, { headers: { cookie: ana.cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="mend-data-/);
    const text = await res.text();
    const data = JSON.parse(text);
    expect(data.account).toMatchObject({ id: ana.id, name: "Ana", kind: "person" });
    expect(data.rooms).toMatchObject([{ roomId: s.roomId, role: "partner", agreement: [{ id: "item-1", commitment: "We talk every evening." }] }]);
    expect(data.privateSpace).toMatchObject([{ kind: "reflection", fields: { reflection: "ana-own-words" } }]);
    expect(text).not.toContain("ben-private-words");
    expect(text).not.toContain("password");
    s.close();
  });

  it("deleting an account: private data and membership go, the partner keeps the agreement, the old session opens nothing", async () => {
    const s = await roomScene(server.url);
    const [ana, ben] = [s.ana.person, s.ben.person];
    addAgreementItem(s.ben.y.doc, { id: "item-1", createdBy: ben.id, commitment: "We keep Sundays free." });
    await s.ben.y.waitSaved();
    const shared = await api(server.url, "POST", `/api/rooms/${s.roomId}/private`, { cookie: ben.cookie, body: { kind: "apology", fields: { impact: "ben-apology" } } });
    await api(server.url, "PUT", `/api/private/${shared.body.id}/sharing`, { cookie: ben.cookie, body: { with: [ana.id] } });
    const benPrivate = await api(server.url, "POST", `/api/rooms/${s.roomId}/private`, { cookie: ben.cookie, body: { kind: "reflection", fields: { reflection: "ben-only" } } });
    expect(benPrivate.status).toBe(201);
    const soloRoom = await api(server.url, "POST", "/api/rooms", { cookie: ben.cookie, body: { title: "Only Ben" } });

    expect((await api(server.url, "DELETE", "/api/account", { cookie: ben.cookie, body: { password: "wrong password" } })).status).toBe(400);
    const closed = s.ben.y.closed;
    const res = await api(server.url, "DELETE", "/api/account", { cookie: ben.cookie, body: { password: ben.password } });
    expect(res.status).toBe(204);
    expect(res.headers.get("set-cookie")).toMatch(/authjs\.session-token=;.*Max-Age=0/);
    expect((await closed).code).toBe(CloseCode.unauthenticated);

    // The old session opens nothing; the account is gone.
    expect((await api(server.url, "GET", "/api/rooms", { cookie: ben.cookie })).status).toBe(401);
    // Its live connections too, though the server decrypted this very token moments ago.
    expect(await expectUpgradeRefused(yjsUrl(server.url, s.roomId), { cookie: ben.cookie })).toBe(401);
    expect((await signInRaw(server.url, ben.email, ben.password)).session).toBeUndefined();
    // Ana keeps the room and the agreement; Ben is no longer in it.
    const rooms = await api(server.url, "GET", "/api/rooms", { cookie: ana.cookie });
    expect(rooms.body.rooms).toMatchObject([{ id: s.roomId, members: [] }]);
    const again = await connectY(server.url, s.roomId, ana.cookie);
    await waitFor(() => readAgreement(again.doc).length === 1, "agreement still there");
    expect(readAgreement(again.doc)[0]!.commitment).toBe("We keep Sundays free.");
    again.close();
    // What Ben had shared with Ana went with his account.
    expect((await api(server.url, "GET", `/api/rooms/${s.roomId}/private`, { cookie: ana.cookie })).body.sharedWithMe).toEqual([]);
    // A room nobody is left in is deleted (checked in the database itself, on PostgreSQL).
    if (server.database.sql) {
      const left = await server.database.sql`select count(*)::int as n from private_items where owner_id = ${ben.id}`;
      expect(left[0]!.n).toBe(0);
      const solo = await server.database.sql`select count(*)::int as n from rooms where id = ${soloRoom.body.id}`;
      expect(solo[0]!.n).toBe(0);
    }
    // Ana can invite a new partner into the room.
    const invite = await api(server.url, "POST", `/api/rooms/${s.roomId}/invites`, { cookie: ana.cookie, body: { role: "partner" } });
    const carl = await newPerson(server.url, "Carl");
    expect((await api(server.url, "POST", `/api/invites/${invite.body.token}/accept`, { cookie: carl.cookie })).status).toBe(200);
    s.close();
  });
});
