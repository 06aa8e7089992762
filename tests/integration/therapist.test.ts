/**
 * The therapist in the room, and the partners in control: therapist accounts, presence that
 * cannot be hidden, revocation that closes live sockets within a second, the access log,
 * session records, the live dashboard and witnessing a signed version.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CloseCode } from "@/app/lib/wire";
import { api, newPerson, pairedRoom, waitFor } from "../helpers/http";
import { roomScene, therapistJoins } from "../helpers/scene";
import { startServer, type TestServer } from "../helpers/server";
import { command, connectSocket } from "../helpers/socket";
import { connectY, expectUpgradeRefused, yjsUrl } from "../helpers/yjs-client";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { SESSION_GRACE_MS: "300" } });
});
afterAll(async () => {
  await server.stop();
  await server.database.drop();
});

describe("therapist accounts", () => {
  it("are chosen at sign-up; a therapist's new room makes them its therapist; partner invites are not for them", async () => {
    const tess = await newPerson(server.url, "Tess", "therapist");
    const room = await api(server.url, "POST", "/api/rooms", { cookie: tess.cookie, body: { title: "The Smiths" } });
    expect(room.status).toBe(201);
    const list = await api(server.url, "GET", "/api/rooms", { cookie: tess.cookie });
    expect(list.body.rooms.find((r: { id: string }) => r.id === room.body.id)).toMatchObject({ role: "therapist" });
    // Tess invites the couple (a clinic sets the room up); a second therapist account cannot take a partner's place.
    const invite = await api(server.url, "POST", `/api/rooms/${room.body.id}/invites`, { cookie: tess.cookie, body: { role: "partner" } });
    const other = await newPerson(server.url, "Theo", "therapist");
    const refused = await api(server.url, "POST", `/api/invites/${invite.body.token}/accept`, { cookie: other.cookie });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/therapist account/);
    const ana = await newPerson(server.url, "Ana");
    expect((await api(server.url, "POST", `/api/invites/${invite.body.token}/accept`, { cookie: ana.cookie })).body).toMatchObject({ role: "partner" });
    expect((await api(server.url, "POST", "/api/signup", { body: { email: "x@example.org", password: "long enough pw", name: "X", kind: "admin" } })).status).toBe(400);
  });
});

describe("presence", () => {
  it("the partners see the therapist is here even when the therapist's client announces nothing", async () => {
    const { a, roomId } = await pairedRoom(server.url);
    const tess = await therapistJoins(server.url, roomId, a);
    const ana = await connectY(server.url, roomId, a.cookie);
    // This client never sends an awareness state: the server's own list still names Tess.
    const silent = await connectY(server.url, roomId, tess.cookie);
    await waitFor(() => ana.presence()?.some((p) => p.userId === tess.id && p.role === "therapist"), "Tess in Ana's presence list");
    silent.close();
    await waitFor(() => ana.presence() && !ana.presence()!.some((p) => p.userId === tess.id), "Tess gone from the list");
    ana.close();
  });
});

describe("revoking the therapist's access", () => {
  it("closes the therapist's live sockets within a second, refuses everything after, is logged, and can be undone by a new invite", async () => {
    const s = await roomScene(server.url, { therapist: true });
    const tess = s.tess!;
    expect(await tess.send("room:join")).toMatchObject({ ok: true });
    const yClosed = tess.y.closed;
    const ioClosed = new Promise<number>((resolve) => tess.socket.once("disconnect", () => resolve(Date.now())));
    const started = Date.now();
    const res = await api(server.url, "DELETE", `/api/rooms/${s.roomId}/members/${tess.person.id}`, { cookie: s.ben.person.cookie });
    expect(res.status).toBe(204);
    const { code } = await yClosed;
    const yAt = Date.now();
    const ioAt = await ioClosed;
    expect(code).toBe(CloseCode.forbidden);
    expect(yAt - started).toBeLessThan(1000);
    expect(ioAt - started).toBeLessThan(1000);

    // Every later request is refused.
    expect(await expectUpgradeRefused(yjsUrl(server.url, s.roomId), { cookie: tess.person.cookie })).toBe(403);
    expect((await api(server.url, "GET", `/api/rooms/${s.roomId}/versions`, { cookie: tess.person.cookie })).status).toBe(403);
    expect((await api(server.url, "GET", `/api/rooms/${s.roomId}/notes`, { cookie: tess.person.cookie })).status).toBe(403);
    const again = await connectSocket(server.url, tess.person.cookie);
    expect(await command(again, "room:join", { roomId: s.roomId })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await command(again, "exercise:act", { roomId: s.roomId, event: { type: "hold" } })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    // Partners stay; a partner cannot be removed this way, and a therapist cannot remove anyone.
    expect((await api(server.url, "DELETE", `/api/rooms/${s.roomId}/members/${s.ana.person.id}`, { cookie: s.ben.person.cookie })).status).toBe(409);

    const logged = await api(server.url, "GET", `/api/rooms/${s.roomId}/access-log`, { cookie: s.ana.person.cookie });
    expect(logged.status).toBe(200);
    const events = logged.body.entries.map((e: { event: string }) => e.event);
    expect(events).toContain("added");
    expect(events).toContain("revoked");
    expect(logged.body.entries.find((e: { event: string }) => e.event === "revoked")).toMatchObject({ name: "Tess", byName: "Ben" });

    // Re-inviting is possible.
    const invite = await api(server.url, "POST", `/api/rooms/${s.roomId}/invites`, { cookie: s.ana.person.cookie, body: { role: "therapist" } });
    expect((await api(server.url, "POST", `/api/invites/${invite.body.token}/accept`, { cookie: tess.person.cookie })).body).toMatchObject({ role: "therapist" });
    expect((await api(server.url, "DELETE", `/api/rooms/${s.roomId}/members/${s.ana.person.id}`, { cookie: tess.person.cookie })).status).toBe(403);
    // …and the therapist can leave by themself.
    expect((await api(server.url, "DELETE", `/api/rooms/${s.roomId}/members/${tess.person.id}`, { cookie: tess.person.cookie })).status).toBe(204);
    expect((await api(server.url, "GET", `/api/rooms/${s.roomId}/access-log`, { cookie: tess.person.cookie })).status).toBe(403);
    again.close();
    s.close();
  });
});

describe("session records", () => {
  it("start when the therapist opens the room, list who attended and the turns completed, end when they leave", async () => {
    const s = await roomScene(server.url, { therapist: true });
    const act = (p: typeof s.ana, event: Record<string, unknown>) => p.send("exercise:act", { event });
    expect(await act(s.ana, { type: "propose", mode: "prep", topic: "", firstSpeaker: s.ana.person.id })).toMatchObject({ ok: true });
    await act(s.ben, { type: "accept" });
    expect(await act(s.tess!, { type: "assign", to: s.ben.person.id })).toMatchObject({ ok: true, state: { turn: 2 } });
    await waitFor(async () => {
      const list = await api(server.url, "GET", `/api/rooms/${s.roomId}/sessions`, { cookie: s.ana.person.cookie });
      return list.body.sessions?.[0]?.rounds === 1;
    }, "one turn recorded");
    s.tess!.y.close();
    const ended = await waitFor(async () => {
      const list = await api(server.url, "GET", `/api/rooms/${s.roomId}/sessions`, { cookie: s.tess!.person.cookie });
      return list.body.sessions?.[0]?.endedAt ? list.body.sessions[0] : null;
    }, "session ended");
    expect(ended).toMatchObject({ therapist: "Tess", rounds: 1 });
    expect([...ended.attendees].sort()).toEqual(["Ana", "Ben", "Tess"]);
    const logged = await api(server.url, "GET", `/api/rooms/${s.roomId}/access-log`, { cookie: s.ben.person.cookie });
    expect(logged.body.entries.map((e: { event: string }) => e.event)).toEqual(["added", "entered", "left"]);
    s.close();
  });
});

describe("the dashboard", () => {
  it("lists each room's presence, exercise, agreement and last session, and tells the therapist live when they change", async () => {
    const { a, b, roomId } = await pairedRoom(server.url);
    const tess = await therapistJoins(server.url, roomId, a);
    const watcher = await connectSocket(server.url, tess.cookie);
    const changes: string[] = [];
    watcher.on("dashboard:changed", ({ roomId: id }: { roomId: string }) => changes.push(id));
    expect(await command(watcher, "dashboard:watch", {})).toMatchObject({ ok: true });
    const overview = async () => (await api(server.url, "GET", `/api/dashboard?roomId=${roomId}`, { cookie: tess.cookie })).body.rooms[0];
    expect(await overview()).toMatchObject({ role: "therapist", exercise: null, agreement: { items: 0, agreed: 0, nextReview: null } });

    const ana = await connectY(server.url, roomId, a.cookie);
    await waitFor(() => changes.includes(roomId), "told that Ana arrived");
    expect((await overview()).members.find((m: { name: string }) => m.name === "Ana")).toMatchObject({ here: true });
    const ben = await connectY(server.url, roomId, b.cookie);
    const sa = await connectSocket(server.url, a.cookie);
    changes.length = 0;
    expect(await command(sa, "exercise:act", { roomId, event: { type: "propose", mode: "imago", topic: "", firstSpeaker: a.id } })).toMatchObject({ ok: true });
    await waitFor(() => changes.includes(roomId), "told about the exercise");
    expect((await overview()).exercise).toMatchObject({ status: "proposed", mode: "imago" });
    // Someone outside the room gets nothing about it.
    const eve = await newPerson(server.url, "Eve");
    expect((await api(server.url, "GET", `/api/dashboard?roomId=${roomId}`, { cookie: eve.cookie })).body.rooms).toEqual([]);
    for (const c of [ana, ben]) c.close();
    for (const c of [sa, watcher]) c.close();
  });
});

describe("witnessing a signed version", () => {
  it("adds the therapist's signature next to the partners', once, with a password check", async () => {
    const s = await roomScene(server.url, { therapist: true });
    const { addAgreementItem, readAgreement } = await import("@/app/lib/room-doc");
    const { hashItemContent } = await import("@/app/lib/agreement");
    addAgreementItem(s.ana.y.doc, { id: "item-1", createdBy: s.ana.person.id, commitment: "We talk every evening." });
    await s.ana.y.waitSaved();
    await waitFor(() => readAgreement(s.ben.y.doc).length === 1, "item at Ben");
    const hash = await hashItemContent(readAgreement(s.ana.y.doc)[0]!);
    for (const p of [s.ana, s.ben]) expect(await p.send("agreement:consent", { itemId: "item-1", hash })).toMatchObject({ ok: true });
    const proposal = await s.ana.send("agreement:propose-signing");
    for (const p of [s.ana, s.ben]) {
      await p.send("agreement:sign", { hash: (proposal.proposal as { hash: string }).hash, password: p.person.password });
    }
    expect(await s.ana.send("agreement:witness", { version: 1, password: s.ana.person.password })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await s.tess!.send("agreement:witness", { version: 1, password: "wrong password" })).toMatchObject({ ok: false, error: { code: "invalid_input" } });
    expect(await s.tess!.send("agreement:witness", { version: 1, password: s.tess!.person.password })).toMatchObject({ ok: true, witnessed: true });
    expect(await s.tess!.send("agreement:witness", { version: 1, password: s.tess!.person.password })).toMatchObject({ ok: false, error: { code: "conflict" } });
    const v = await api(server.url, "GET", `/api/rooms/${s.roomId}/versions/1`, { cookie: s.ben.person.cookie });
    expect(v.body.signatures.map((x: { name: string; role: string }) => `${x.name}:${x.role}`)).toEqual(["Ana:partner", "Ben:partner", "Tess:therapist"]);
    s.close();
  });
});

describe("private notes", () => {
  it("are the therapist's alone: nothing a partner receives (frames, commands, pages, API) ever holds their text", async () => {
    const s = await roomScene(server.url, { therapist: true });
    const secret = `note-secret-${Math.random().toString(36).slice(2)}`;
    // Everything the partners receive, from here on, as received.
    const received: string[] = [];
    for (const p of [s.ana, s.ben]) {
      p.socket.io.engine.on("packet", (packet: { data?: unknown }) => received.push(JSON.stringify(packet.data ?? "")));
    }
    const get = async (cookie: string, path: string, init: { method?: string; body?: unknown } = {}) => {
      const res = await fetch(`${server.url}${path}`, {
        method: init.method ?? "GET",
        headers: { cookie, ...(init.body ? { "content-type": "application/json" } : {}) },
        body: init.body ? JSON.stringify(init.body) : undefined,
      });
      const text = await res.text();
      received.push(text);
      return { status: res.status, text };
    };
    const tessCookie = s.tess!.person.cookie;

    // A session: an exercise, a comment, and the therapist's notes written and autosaved meanwhile.
    await s.ana.send("exercise:act", { event: { type: "propose", mode: "prep", topic: "", firstSpeaker: s.ana.person.id } });
    await s.ben.send("exercise:act", { event: { type: "accept" } });
    const created = await api(server.url, "POST", `/api/rooms/${s.roomId}/notes`, { cookie: tessCookie, body: { body: `First thoughts: ${secret}` } });
    expect(created.status).toBe(201);
    expect(created.body.sessionId).toEqual(expect.any(String)); // written during the live session
    for (let i = 0; i < 5; i++) {
      const saved = await api(server.url, "PUT", `/api/notes/${created.body.id}`, { cookie: tessCookie, body: { body: `First thoughts: ${secret} (draft ${i})` } });
      expect(saved.status).toBe(200);
    }
    await s.tess!.send("exercise:act", { event: { type: "hold" } });
    await s.tess!.send("exercise:act", { event: { type: "resume" } });

    // The therapist reads and finds their own notes.
    expect((await api(server.url, "GET", `/api/rooms/${s.roomId}/notes`, { cookie: tessCookie })).body.notes[0].body).toContain(secret);
    expect((await api(server.url, "GET", `/api/notes?q=${secret.slice(0, 20)}`, { cookie: tessCookie })).body.notes).toHaveLength(1);

    // The partners try every way in, and look at every page and list they have.
    for (const p of [s.ana, s.ben]) {
      const c = p.person.cookie;
      expect((await get(c, `/api/rooms/${s.roomId}/notes`)).status).toBe(403);
      expect((await get(c, `/api/rooms/${s.roomId}/notes`, { method: "POST", body: { body: "x" } })).status).toBe(403);
      expect((await get(c, `/api/notes/${created.body.id}`, { method: "PUT", body: { body: "mine now" } })).status).toBe(404);
      expect((await get(c, `/api/notes/${created.body.id}`, { method: "DELETE" })).status).toBe(404);
      expect((await get(c, `/api/notes?q=${secret}`)).text).toBe('{"notes":[]}');
      for (const path of [`/rooms/${s.roomId}`, "/rooms", "/api/rooms", "/api/dashboard", `/api/rooms/${s.roomId}/sessions`, `/api/rooms/${s.roomId}/access-log`, `/api/rooms/${s.roomId}/exercises`, `/api/rooms/${s.roomId}/versions`]) {
        expect((await get(c, path)).status).toBe(200);
      }
    }
    // A fresh look at the room's document, as a partner receives it.
    const late = await connectY(server.url, s.roomId, s.ana.person.cookie);
    await s.ana.y.waitSaved();
    for (const frames of [s.ana.y.frames, s.ben.y.frames, late.frames]) {
      for (const f of frames) received.push(Buffer.from(f).toString("latin1"));
    }
    late.close();
    expect(received.length).toBeGreaterThan(20);
    expect(received.filter((r) => r.includes(secret))).toEqual([]);
    s.close();
  });

  it("another therapist, in another room, cannot read or change them", async () => {
    const s = await roomScene(server.url, { therapist: true });
    const note = await api(server.url, "POST", `/api/rooms/${s.roomId}/notes`, { cookie: s.tess!.person.cookie, body: { body: "private" } });
    const theo = await newPerson(server.url, "Theo", "therapist");
    expect((await api(server.url, "PUT", `/api/notes/${note.body.id}`, { cookie: theo.cookie, body: { body: "x" } })).status).toBe(404);
    expect((await api(server.url, "GET", `/api/rooms/${s.roomId}/notes`, { cookie: theo.cookie })).status).toBe(403);
    expect((await api(server.url, "GET", "/api/notes?q=private", { cookie: theo.cookie })).body.notes).toEqual([]);
    expect((await api(server.url, "POST", `/api/rooms/${s.roomId}/notes`, { cookie: s.tess!.person.cookie, body: { body: "x".repeat(20_001) } })).status).toBe(400);
    s.close();
  });
});
