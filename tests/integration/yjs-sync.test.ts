/** The Yjs endpoint: who may connect, live co-editing, presence and "saved". */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import type { AwarenessState } from "@/app/lib/awareness";
import { MessageType } from "@/app/lib/wire";
import { addAgreementItem, commitmentText, findAgreementItem, readAgreement, removeAgreementItem } from "@/app/lib/room-doc";
import { api, newPerson, pairedRoom, waitFor } from "../helpers/http";
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

describe("upgrade authentication", () => {
  it("401 without a session, 403 for a non-member or an unknown room, 404 for a malformed room id or path", async () => {
    const { a, roomId } = await pairedRoom(server.url);
    const stranger = await newPerson(server.url, "Cy");
    expect(await expectUpgradeRefused(yjsUrl(server.url, roomId))).toBe(401);
    expect(await expectUpgradeRefused(yjsUrl(server.url, roomId), { cookie: "authjs.session-token=forged" })).toBe(401);
    expect(await expectUpgradeRefused(yjsUrl(server.url, roomId), { cookie: stranger.cookie })).toBe(403);
    expect(await expectUpgradeRefused(yjsUrl(server.url, randomUUID()), { cookie: a.cookie })).toBe(403);
    expect(await expectUpgradeRefused(yjsUrl(server.url, "not-a-room"), { cookie: a.cookie })).toBe(404);
    // normalised to /etc by the client: an unknown path must be answered, not left hanging
    expect(await expectUpgradeRefused(yjsUrl(server.url, "../etc"), { cookie: a.cookie })).toBe(404);
  });

  it("403 for a browser page on another site (no cross-site websocket hijacking)", async () => {
    const { a, roomId } = await pairedRoom(server.url);
    const status = await expectUpgradeRefused(yjsUrl(server.url, roomId), { cookie: a.cookie, origin: "https://evil.example" });
    expect(status).toBe(403);
  });
});

describe("co-editing", () => {
  it("two partners type in one commitment at the same time and both end with the same merged text", async () => {
    const { a, b, roomId } = await pairedRoom(server.url);
    const ana = await connectY(server.url, roomId, a.cookie);
    const ben = await connectY(server.url, roomId, b.cookie);
    addAgreementItem(ana.doc, { id: "item-1", createdBy: a.id, commitment: "We check in." });
    await waitFor(() => findAgreementItem(ben.doc, "item-1"), "item to reach Ben");

    const anaText = commitmentText(findAgreementItem(ana.doc, "item-1")!.item);
    const benText = commitmentText(findAgreementItem(ben.doc, "item-1")!.item);
    // interleaved keystrokes from both sides, without waiting for each other
    const tail = " every evening";
    for (let i = 0; i < tail.length; i++) {
      anaText.insert(11 + i, tail[i]!);
      benText.insert(i, "Both: "[i % 6]!);
    }
    await waitFor(() => anaText.toString() === benText.toString() && anaText.length === 12 + tail.length + 14, "convergence");
    expect(anaText.toString()).toContain("every evening");
    await Promise.all([ana.waitSaved(), ben.waitSaved()]);

    // a third connection, loading from the server, sees the same
    const later = await connectY(server.url, roomId, a.cookie);
    expect(readAgreement(later.doc)).toEqual(readAgreement(ana.doc));
    for (const c of [ana, ben, later]) c.close();
  });

  it("removing an item reaches the partner and is saved (a deletion, which adds no clock)", async () => {
    const { a, b, roomId } = await pairedRoom(server.url);
    const ana = await connectY(server.url, roomId, a.cookie);
    const ben = await connectY(server.url, roomId, b.cookie);
    addAgreementItem(ana.doc, { id: "x", createdBy: a.id, commitment: "draft" });
    await ana.waitSaved();
    await waitFor(() => findAgreementItem(ben.doc, "x"), "item");
    const committedBefore = ben.committed();
    removeAgreementItem(ben.doc, "x");
    expect(ben.committed()).toBe(committedBefore);
    await ben.waitSaved();
    expect(ben.notices).toEqual([]);
    await waitFor(() => readAgreement(ana.doc).length === 0, "removal to reach Ana");
    ana.close();
    ben.close();
  });

  it("'saved' goes to whoever wrote: a partner who only reads is not sent one per keystroke", async () => {
    const { a, b, roomId } = await pairedRoom(server.url);
    const ana = await connectY(server.url, roomId, a.cookie);
    const ben = await connectY(server.url, roomId, b.cookie);
    const savedFrames = (c: { frames: Uint8Array[] }) => c.frames.filter((f) => f[0] === MessageType.saved).length;
    expect(savedFrames(ben), "one on joining").toBe(1);
    addAgreementItem(ana.doc, { id: "w", createdBy: a.id, commitment: "" });
    await ana.waitSaved();
    const text = commitmentText(findAgreementItem(ana.doc, "w")!.item);
    for (const word of ["We ", "talk ", "first."]) {
      text.insert(text.length, word);
      await ana.waitSaved();
    }
    await waitFor(() => readAgreement(ben.doc)[0]?.commitment === "We talk first.", "Ben reads it");
    expect(savedFrames(ana), "Ana hears of each of her commits").toBeGreaterThanOrEqual(2);
    expect(savedFrames(ben), "Ben, who wrote nothing, hears nothing more").toBe(1);
    // Ben writes: now he is told.
    commitmentText(findAgreementItem(ben.doc, "w")!.item).insert(0, "Ben: ");
    await ben.waitSaved();
    expect(savedFrames(ben)).toBe(2);
    ana.close();
    ben.close();
  });

  it("a room's address in capitals opens the same live room, not a second copy of it", async () => {
    const { a, b, roomId } = await pairedRoom(server.url);
    const ana = await connectY(server.url, roomId, a.cookie);
    const ben = await connectY(server.url, roomId.toUpperCase(), b.cookie);
    addAgreementItem(ana.doc, { id: "same", createdBy: a.id, commitment: "from Ana" });
    addAgreementItem(ben.doc, { id: "room", createdBy: b.id, commitment: "from Ben" });
    await waitFor(() => findAgreementItem(ana.doc, "room") && findAgreementItem(ben.doc, "same"), "each sees the other's item live");
    await ana.waitSaved();
    await ben.waitSaved();
    ana.close();
    ben.close();
  });

  it("works with y-websocket's own client provider", async () => {
    const { a, b, roomId } = await pairedRoom(server.url);
    class CookieWebSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { cookie: a.cookie } });
      }
    }
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(`${server.url.replace("http", "ws")}/yjs`, roomId, doc, {
      WebSocketPolyfill: CookieWebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    provider.messageHandlers[100] = () => {}; // "saved", which the stock provider does not know
    await waitFor(() => provider.synced, "provider sync");
    addAgreementItem(doc, { id: "p", createdBy: a.id, commitment: "from the provider" });
    const ben = await connectY(server.url, roomId, b.cookie);
    await waitFor(() => readAgreement(ben.doc)[0]?.commitment === "from the provider", "provider edit");
    provider.destroy();
    ben.close();
  });
});

describe("presence", () => {
  it("shows each partner to the other under the name the server knows, whatever the client claims", async () => {
    const { a, b, roomId } = await pairedRoom(server.url);
    const ana = await connectY(server.url, roomId, a.cookie);
    const ben = await connectY(server.url, roomId, b.cookie);
    ana.awareness.setLocalState({ user: { id: b.id, name: "Ben", role: "therapist", color: "#000000" }, typing: "item-1" });
    const seen = await waitFor(
      () => [...ben.awareness.getStates().values()].find((s) => (s as AwarenessState).typing === "item-1") as AwarenessState,
      "Ana's presence at Ben",
    );
    expect(seen.user).toEqual(expect.objectContaining({ id: a.id, name: "Ana", role: "partner" }));
    ana.close();
    await waitFor(() => ![...ben.awareness.getStates().values()].some((s) => (s as AwarenessState).user?.id === a.id), "Ana leaving");
    ben.close();
  });
});

describe("roles", () => {
  it("a therapist's edit to the agreement is refused, explained, and never reaches the partners", async () => {
    const { a, roomId } = await pairedRoom(server.url);
    const t = await newPerson(server.url, "Tess");
    const inv = await api(server.url, "POST", `/api/rooms/${roomId}/invites`, { cookie: a.cookie, body: { role: "therapist" } });
    await api(server.url, "POST", `/api/invites/${inv.body.token}/accept`, { cookie: t.cookie });
    const ana = await connectY(server.url, roomId, a.cookie);
    const tess = await connectY(server.url, roomId, t.cookie);
    addAgreementItem(tess.doc, { id: "t", createdBy: t.id, commitment: "written by the therapist" });
    await waitFor(() => tess.notices.length > 0, "refusal notice");
    expect(tess.notices[0]).toEqual({ kind: "update-refused", message: expect.stringMatching(/Only partners/), resync: true });
    // a partner's edit after it still flows, and the therapist's never arrived
    addAgreementItem(ana.doc, { id: "a", createdBy: a.id, commitment: "by Ana" });
    await ana.waitSaved();
    await waitFor(() => findAgreementItem(tess.doc, "a"), "Ana's edit at the therapist");
    expect(findAgreementItem(ana.doc, "t")).toBeNull();
    const fresh = await connectY(server.url, roomId, a.cookie);
    expect(readAgreement(fresh.doc).map((i) => i.id)).toEqual(["a"]);
    for (const c of [ana, tess, fresh]) c.close();
  });
});
