/**
 * Each partner's private space: an item reaches nobody until its author shares it, reaches only
 * whom it is shared with, and stops when it is taken back. Checked on everything the others
 * receive: API responses, pages, and the room's frames.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, newPerson, waitFor } from "../helpers/http";
import { roomScene, therapistJoins } from "../helpers/scene";
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

describe("the private space", () => {
  it("keeps a draft private until shared, shares it only with whom it is shared, and takes it back", async () => {
    const s = await roomScene(server.url, { therapist: true });
    const [ana, ben, tess] = [s.ana.person, s.ben.person, s.tess!.person];
    const secret = `ack-${Math.random().toString(36).slice(2)}`;
    const onlyTherapist = `rating-note-${Math.random().toString(36).slice(2)}`;
    const received: Record<string, string[]> = { ben: [], tess: [] };
    const look = async (who: "ben" | "tess", cookie: string, method: string, path: string, body?: unknown) => {
      const res = await api(server.url, method, path, { cookie, body });
      received[who]!.push(JSON.stringify(res.body));
      return res;
    };

    const created = await api(server.url, "POST", `/api/rooms/${s.roomId}/private`, {
      cookie: ana.cookie,
      body: { kind: "acknowledgment", fields: { happened: `I lied about ${secret}.`, impact: "It broke your trust.", responsibility: "It was my choice." } },
    });
    expect(created.status).toBe(201);
    const itemId = created.body.id as string;
    await api(server.url, "POST", `/api/rooms/${s.roomId}/healing`, { cookie: ana.cookie, body: { day: today(), safe: 4, connected: 6, note: onlyTherapist } });

    // Not shared: Ben and Tess see nothing of it, and cannot reach it.
    for (const [who, cookie] of [["ben", ben.cookie], ["tess", tess.cookie]] as const) {
      expect((await look(who, cookie, "GET", `/api/rooms/${s.roomId}/private`)).body).toEqual({ mine: [], sharedWithMe: [] });
      expect((await look(who, cookie, "PUT", `/api/private/${itemId}`, { fields: { happened: "x" } })).status).toBe(404);
      expect((await look(who, cookie, "PUT", `/api/private/${itemId}/sharing`, { with: [ben.id, tess.id] })).status).toBe(404);
      expect((await look(who, cookie, "DELETE", `/api/private/${itemId}`)).status).toBe(404);
      expect((await look(who, cookie, "GET", `/api/rooms/${s.roomId}/healing`)).body.shared).toEqual([]);
      expect((await look(who, cookie, "GET", `/api/rooms/${s.roomId}/journey`)).body.steps["1"]).toBe("not-yet");
    }
    expect((await api(server.url, "GET", `/api/rooms/${s.roomId}/journey`, { cookie: ana.cookie })).body.steps["1"]).toBe("begun");
    // A partner cannot answer what they cannot read.
    expect((await look("ben", ben.cookie, "POST", `/api/rooms/${s.roomId}/private`, { kind: "response", respondsTo: itemId, fields: { missing: "x" } })).status).toBe(404);

    // Shared with Ben only: he is told (without content) and reads it; Tess still sees nothing.
    const signalsBefore = s.ben.y.doc.getMap("signals").get(`private:${ben.id}`);
    expect((await api(server.url, "PUT", `/api/private/${itemId}/sharing`, { cookie: ana.cookie, body: { with: [ben.id] } })).status).toBe(200);
    await waitFor(() => s.ben.y.doc.getMap("signals").get(`private:${ben.id}`) !== signalsBefore, "Ben told something changed");
    // Tess is not even told that something changed.
    expect(s.tess!.y.doc.getMap("signals").has(`private:${tess.id}`)).toBe(false);
    const benView = await api(server.url, "GET", `/api/rooms/${s.roomId}/private`, { cookie: ben.cookie });
    expect(benView.body.sharedWithMe).toMatchObject([{ id: itemId, kind: "acknowledgment", ownerName: "Ana", sharedWith: [] }]);
    expect(benView.body.sharedWithMe[0].fields.happened).toContain(secret);
    expect((await look("tess", tess.cookie, "GET", `/api/rooms/${s.roomId}/private`)).body.sharedWithMe).toEqual([]);

    // Ben answers with what is still missing: private to him until he shares it.
    const response = await api(server.url, "POST", `/api/rooms/${s.roomId}/private`, { cookie: ben.cookie, body: { kind: "response", respondsTo: itemId, fields: { missing: "Why then?" } } });
    expect(response.status).toBe(201);
    expect((await api(server.url, "GET", `/api/rooms/${s.roomId}/private`, { cookie: ana.cookie })).body.sharedWithMe).toEqual([]);

    // Taken back: Ben no longer receives it.
    await api(server.url, "PUT", `/api/private/${itemId}/sharing`, { cookie: ana.cookie, body: { with: [] } });
    expect((await look("ben", ben.cookie, "GET", `/api/rooms/${s.roomId}/private`)).body.sharedWithMe).toEqual([]);

    // The trend, shared with the therapist only.
    await api(server.url, "PUT", `/api/rooms/${s.roomId}/healing/sharing`, { cookie: ana.cookie, body: { with: [tess.id] } });
    const tessTrend = await api(server.url, "GET", `/api/rooms/${s.roomId}/healing`, { cookie: tess.cookie });
    // The numbers, never the note written with them.
    expect(tessTrend.body.shared).toMatchObject([{ name: "Ana", ratings: [{ safe: 4, connected: 6, note: null }] }]);
    received.tess!.push(JSON.stringify(tessTrend.body));
    expect((await look("ben", ben.cookie, "GET", `/api/rooms/${s.roomId}/healing`)).body.shared).toEqual([]);

    // Pages and frames: the room as Ben and Tess receive it holds none of it.
    for (const [who, cookie] of [["ben", ben.cookie], ["tess", tess.cookie]] as const) {
      for (const path of [`/rooms/${s.roomId}`, `/rooms/${s.roomId}/private`, `/rooms/${s.roomId}/journey`, "/rooms"]) {
        const res = await fetch(`${server.url}${path}`, { headers: { cookie } });
        expect(res.status).toBe(200);
        received[who]!.push(await res.text());
      }
    }
    const late = await connectY(server.url, s.roomId, ben.cookie);
    for (const frames of [s.ben.y.frames, s.tess!.y.frames, late.frames]) for (const f of frames) received.ben!.push(Buffer.from(f).toString("latin1"));
    late.close();
    // What Ben received after it was taken back, and everything Tess ever received, holds no secret.
    const benAfter = received.ben!.slice(-8);
    expect(benAfter.filter((r) => r.includes(secret))).toEqual([]);
    expect(received.tess!.filter((r) => r.includes(secret))).toEqual([]);
    expect(received.ben!.filter((r) => r.includes(onlyTherapist))).toEqual([]);
    expect(received.tess!.filter((r) => r.includes(onlyTherapist))).toEqual([]);
    s.close();
  });

  it("refuses fields a kind does not have, and keeps one rating a day", async () => {
    const s = await roomScene(server.url);
    const bad = await api(server.url, "POST", `/api/rooms/${s.roomId}/private`, { cookie: s.ana.person.cookie, body: { kind: "apology", fields: { score: "10" } } });
    expect(bad.status).toBe(400);
    for (const safe of [3, 8]) {
      await api(server.url, "POST", `/api/rooms/${s.roomId}/healing`, { cookie: s.ana.person.cookie, body: { day: today(), safe, connected: 5 } });
    }
    const mine = await api(server.url, "GET", `/api/rooms/${s.roomId}/healing`, { cookie: s.ana.person.cookie });
    expect(mine.body.mine).toMatchObject([{ day: today(), safe: 8 }]);
    expect((await api(server.url, "POST", `/api/rooms/${s.roomId}/healing`, { cookie: s.ana.person.cookie, body: { day: "2020-01-01", safe: 3, connected: 3 } })).status).toBe(400);
    s.close();
  });
});

describe("sharing is with a person, not a role", () => {
  it("a therapist whose access ends loses every share, and neither they (invited again) nor a new therapist inherit any", async () => {
    const s = await roomScene(server.url, { therapist: true });
    const [ana, tess] = [s.ana.person, s.tess!.person];
    const item = await api(server.url, "POST", `/api/rooms/${s.roomId}/private`, { cookie: ana.cookie, body: { kind: "reflection", fields: { reflection: "for Tess only" } } });
    await api(server.url, "PUT", `/api/private/${item.body.id}/sharing`, { cookie: ana.cookie, body: { with: [tess.id] } });
    expect((await api(server.url, "GET", `/api/rooms/${s.roomId}/private`, { cookie: tess.cookie })).body.sharedWithMe).toHaveLength(1);
    // Sharing with someone outside the room is refused.
    const outsider = await newPerson(server.url, "Olga");
    expect((await api(server.url, "PUT", `/api/private/${item.body.id}/sharing`, { cookie: ana.cookie, body: { with: [outsider.id] } })).status).toBe(400);

    expect((await api(server.url, "DELETE", `/api/rooms/${s.roomId}/members/${tess.id}`, { cookie: ana.cookie })).status).toBe(204);
    const again = await api(server.url, "POST", `/api/rooms/${s.roomId}/invites`, { cookie: ana.cookie, body: { role: "therapist" } });
    await api(server.url, "POST", `/api/invites/${again.body.token}/accept`, { cookie: tess.cookie });
    expect((await api(server.url, "GET", `/api/rooms/${s.roomId}/private`, { cookie: tess.cookie })).body.sharedWithMe).toEqual([]);
    const theo = await therapistJoins(server.url, s.roomId, ana);
    expect((await api(server.url, "GET", `/api/rooms/${s.roomId}/private`, { cookie: theo.cookie })).body.sharedWithMe).toEqual([]);
    expect((await api(server.url, "GET", `/api/rooms/${s.roomId}/private`, { cookie: ana.cookie })).body.mine[0].sharedWith).toEqual([]);
    s.close();
  });
});
