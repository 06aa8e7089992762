/** socket.io at /socket.io: authenticated before the upgrade is accepted; commands validated with acks. */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import { newPerson, pairedRoom } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";
import { expectUpgradeRefused } from "../helpers/yjs-client";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
  await server.database.drop();
});

function connect(cookie?: string): Promise<Socket> {
  const socket = io(server.url, {
    path: "/socket.io",
    transports: ["websocket"],
    reconnection: false,
    extraHeaders: cookie ? { cookie } : {},
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (e) => {
      socket.close();
      reject(e);
    });
  });
}

const emit = (socket: Socket, event: string, payload: unknown) =>
  socket.timeout(5000).emitWithAck(event, payload) as Promise<{ ok: boolean; role?: string; error?: { code: string } }>;

describe("socket.io", () => {
  it("refuses the upgrade without a session: 401, never an accepted socket", async () => {
    const url = `${server.url.replace("http", "ws")}/socket.io/?EIO=4&transport=websocket`;
    expect(await expectUpgradeRefused(url)).toBe(401);
    await expect(connect()).rejects.toThrow();
    const polling = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`);
    expect(polling.status).toBe(401);
  });

  it("room:join answers with the member's role, and refuses rooms one is not in", async () => {
    const { a, roomId } = await pairedRoom(server.url);
    const stranger = await newPerson(server.url, "Cy");
    const sa = await connect(a.cookie);
    expect(await emit(sa, "room:join", { roomId })).toEqual({ ok: true, role: "partner" });
    expect(await emit(sa, "room:join", { roomId: randomUUID() })).toEqual({ ok: false, error: expect.objectContaining({ code: "forbidden" }) });
    const sc = await connect(stranger.cookie);
    expect((await emit(sc, "room:join", { roomId })).error?.code).toBe("forbidden");
    expect(await emit(sa, "room:leave", { roomId })).toEqual({ ok: true });
    sa.close();
    sc.close();
  });

  it.each([
    ["a missing payload", undefined],
    ["a wrong type", { roomId: 42 }],
    ["a malformed id", { roomId: "x" }],
    ["extra fields", { roomId: randomUUID(), admin: true }],
    ["a string", "room"],
  ])("refuses %s with invalid_input and stays connected", async (_what, payload) => {
    const { a } = await pairedRoom(server.url);
    const s = await connect(a.cookie);
    expect((await emit(s, "room:join", payload)).error?.code).toBe("invalid_input");
    expect(s.connected).toBe(true);
    s.close();
  });

  it("tells a client that sends a command without an ack what is wrong", async () => {
    const { a, roomId } = await pairedRoom(server.url);
    const s = await connect(a.cookie);
    const error = new Promise((resolve) => s.once("error:command", resolve));
    s.emit("room:join", { roomId });
    expect(await error).toEqual(expect.objectContaining({ command: "room:join", code: "invalid_input" }));
    s.close();
  });
});
