/**
 * Limits that keep one misbehaving client from costing everyone else: messages per second per
 * connection, live connections per person and per room, commands per socket. Each ends with a
 * clear close code or error, and the others in the room carry on.
 */
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addAgreementItem, findAgreementItem } from "@/app/lib/room-doc";
import { CloseCode, MessageType } from "@/app/lib/wire";
import { LIMITS } from "@/server/realtime/token-bucket";
import { pairedRoom, waitFor } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";
import { command, connectSocket } from "../helpers/socket";
import { connectY, expectUpgradeRefused, yjsUrl } from "../helpers/yjs-client";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
  await server.database.drop();
});

function syncStep1(): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  syncProtocol.writeSyncStep1(e, new Y.Doc());
  return encoding.toUint8Array(e);
}

describe("limits", () => {
  it("a connection that floods the room is closed (1008); the others carry on", async () => {
    const { a, b, roomId } = await pairedRoom(server.url);
    const flooder = await connectY(server.url, roomId, a.cookie);
    const ben = await connectY(server.url, roomId, b.cookie);
    const frame = syncStep1();
    for (let i = 0; i < LIMITS.yjsFrameBurst + 100; i++) flooder.sendRaw(frame);
    expect(await flooder.closed).toMatchObject({ code: CloseCode.policy, reason: "Too many messages" });
    // Ana, on a fresh connection, and Ben still work together.
    const ana = await connectY(server.url, roomId, a.cookie);
    addAgreementItem(ana.doc, { id: "item-1", createdBy: a.id, commitment: "Still here." });
    await waitFor(() => findAgreementItem(ben.doc, "item-1"), "item at Ben");
    for (const c of [ana, ben]) c.close();
  });

  it("a caret moving fast (many presence frames) is thinned out, never a reason to close", async () => {
    const { a, b, roomId } = await pairedRoom(server.url);
    const ana = await connectY(server.url, roomId, a.cookie);
    const ben = await connectY(server.url, roomId, b.cookie);
    for (let i = 0; i < LIMITS.awarenessFrameBurst * 3; i++) ana.awareness.setLocalStateField("cursor", null);
    addAgreementItem(ana.doc, { id: "item-1", createdBy: a.id, commitment: "Still connected." });
    await waitFor(() => findAgreementItem(ben.doc, "item-1"), "Ana's edit reaches Ben");
    expect(ana.ws.readyState).toBe(ana.ws.OPEN);
    for (const c of [ana, ben]) c.close();
  });

  it("windows are counted from the moment they connect, even while the room is still loading", async () => {
    const { a, b, roomId } = await pairedRoom(server.url);
    // All at once, to a room nobody has open: no more than the limit get in.
    const attempts = await Promise.allSettled(Array.from({ length: LIMITS.connectionsPerPersonPerRoom + 4 }, () => connectY(server.url, roomId, a.cookie)));
    const opened = attempts.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    expect(opened.length).toBe(LIMITS.connectionsPerPersonPerRoom);
    // The other partner is never shut out by them.
    const ben = await connectY(server.url, roomId, b.cookie);
    for (const c of [...opened, ben]) c.close();
  });

  it("one person may have the room open in a few windows, not without end", async () => {
    const { a, roomId } = await pairedRoom(server.url);
    const open = [];
    for (let i = 0; i < LIMITS.connectionsPerPersonPerRoom; i++) open.push(await connectY(server.url, roomId, a.cookie));
    expect(await expectUpgradeRefused(yjsUrl(server.url, roomId), { cookie: a.cookie })).toBe(429);
    open.pop()!.close();
    await waitFor(async () => {
      try {
        const again = await connectY(server.url, roomId, a.cookie);
        open.push(again);
        return true;
      } catch {
        return false;
      }
    }, "a window freed");
    for (const c of open) c.close();
  });

  it("a socket sending commands faster than anyone clicks is told to wait", async () => {
    const { a, roomId } = await pairedRoom(server.url);
    const socket = await connectSocket(server.url, a.cookie);
    const acks = await Promise.all(Array.from({ length: LIMITS.commandBurst + 20 }, () => command(socket, "room:join", { roomId })));
    expect(acks.filter((x) => x.ok).length).toBeGreaterThanOrEqual(LIMITS.commandBurst);
    expect(acks.filter((x) => !x.ok).every((x) => x.error?.code === "rate_limited")).toBe(true);
    expect(acks.some((x) => !x.ok)).toBe(true);
    socket.close();
  });
});
