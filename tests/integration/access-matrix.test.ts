/**
 * The access matrix: every HTTP route, socket event and websocket upgrade, tried by five kinds
 * of caller (no session, someone outside the room, a partner, the therapist, a therapist whose
 * access was ended), each with the documented answer (docs/api.md). A new route that is not in
 * this table fails the completeness check below.
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, newPerson, pairedRoom, type Person } from "../helpers/http";
import { ROOT } from "../helpers/paths";
import { therapistJoins } from "../helpers/scene";
import { startServer, type TestServer } from "../helpers/server";
import { command, connectSocket } from "../helpers/socket";
import { connectY, expectUpgradeRefused, yjsUrl } from "../helpers/yjs-client";

type Who = "none" | "outsider" | "partner" | "therapist" | "revoked";
const WHO: Who[] = ["none", "outsider", "partner", "therapist", "revoked"];

let server: TestServer;
let roomId: string;
let people: Record<Exclude<Who, "none">, Person> & { other: Person };
const ZERO = "00000000-0000-4000-8000-000000000000";
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  server = await startServer();
  const { a, b, roomId: id } = await pairedRoom(server.url);
  roomId = id;
  const tess = await therapistJoins(server.url, roomId, a);
  const rita = await therapistJoins(server.url, roomId, a);
  expect((await api(server.url, "DELETE", `/api/rooms/${roomId}/members/${rita.id}`, { cookie: b.cookie })).status).toBe(204);
  people = { outsider: await newPerson(server.url, "Eve"), partner: a, therapist: tess, revoked: rita, other: b };
});
afterAll(async () => {
  await server.stop();
  await server.database.drop();
});

/** [method, path, body, expected status for none, outsider, partner, therapist, revoked]. */
type Row = [string, string, unknown, number, number, number, number, number];
const rows = (): Row[] => [
  ["GET", "/api/rooms", undefined, 401, 200, 200, 200, 200],
  ["POST", "/api/rooms", { title: "Another" }, 401, 201, 201, 201, 201],
  ["GET", "/api/dashboard", undefined, 401, 200, 200, 200, 200],
  ["GET", "/api/account/export", undefined, 401, 200, 200, 200, 200],
  ["DELETE", "/api/account", { password: "not the password" }, 401, 400, 400, 400, 400],
  ["GET", "/api/notes?q=x", undefined, 401, 200, 200, 200, 200],
  ["PUT", `/api/notes/${ZERO}`, { body: "x" }, 401, 404, 404, 404, 404],
  ["DELETE", `/api/notes/${ZERO}`, undefined, 401, 404, 404, 404, 404],
  ["PUT", `/api/private/${ZERO}`, { fields: {} }, 401, 404, 404, 404, 404],
  ["DELETE", `/api/private/${ZERO}`, undefined, 401, 404, 404, 404, 404],
  ["PUT", `/api/private/${ZERO}/sharing`, { with: [] }, 401, 404, 404, 404, 404],
  ["POST", `/api/invites/${"x".repeat(43)}/accept`, undefined, 401, 404, 404, 404, 404],
  ["GET", `/api/rooms/${roomId}/invites`, undefined, 401, 403, 200, 200, 403],
  ["POST", `/api/rooms/${roomId}/invites`, { role: "therapist" }, 401, 403, 201, 403, 403],
  ["DELETE", `/api/rooms/${roomId}/invites/${ZERO}`, undefined, 401, 403, 404, 404, 403],
  ["GET", `/api/rooms/${roomId}/versions`, undefined, 401, 403, 200, 200, 403],
  ["GET", `/api/rooms/${roomId}/versions/1`, undefined, 401, 403, 404, 404, 403],
  ["GET", `/api/rooms/${roomId}/versions/1/markdown`, undefined, 401, 403, 404, 404, 403],
  ["GET", `/api/rooms/${roomId}/items/item-1/history`, undefined, 401, 403, 200, 200, 403],
  ["GET", `/api/rooms/${roomId}/check-ins`, undefined, 401, 403, 200, 200, 403],
  ["POST", `/api/rooms/${roomId}/check-ins`, { itemId: "none", day: today, outcome: "kept" }, 401, 403, 404, 403, 403],
  ["GET", `/api/rooms/${roomId}/exercises`, undefined, 401, 403, 200, 200, 403],
  ["GET", `/api/rooms/${roomId}/exercises/${ZERO}`, undefined, 401, 403, 404, 404, 403],
  ["GET", `/api/rooms/${roomId}/access-log`, undefined, 401, 403, 200, 403, 403],
  ["GET", `/api/rooms/${roomId}/sessions`, undefined, 401, 403, 200, 200, 403],
  ["GET", `/api/rooms/${roomId}/notes`, undefined, 401, 403, 403, 200, 403],
  ["POST", `/api/rooms/${roomId}/notes`, { body: "x" }, 401, 403, 403, 201, 403],
  ["GET", `/api/rooms/${roomId}/private`, undefined, 401, 403, 200, 200, 403],
  ["POST", `/api/rooms/${roomId}/private`, { kind: "reflection", fields: {} }, 401, 403, 201, 403, 403],
  ["GET", `/api/rooms/${roomId}/healing`, undefined, 401, 403, 200, 200, 403],
  ["POST", `/api/rooms/${roomId}/healing`, { day: today, safe: 5, connected: 5 }, 401, 403, 204, 403, 403],
  ["PUT", `/api/rooms/${roomId}/healing/sharing`, { with: [] }, 401, 403, 204, 204, 403],
  ["GET", `/api/rooms/${roomId}/journey`, undefined, 401, 403, 200, 200, 403],
  // Partners are not removed here (409); a therapist removes nobody else (403).
  ["DELETE", `/api/rooms/${roomId}/members/${ZERO}`, undefined, 401, 403, 404, 403, 403],
];

describe("HTTP routes", () => {
  it("every route answers each kind of caller as documented", async () => {
    const wrong: string[] = [];
    for (const [method, route, body, ...expected] of rows()) {
      for (const [i, who] of WHO.entries()) {
        const cookie = who === "none" ? undefined : people[who].cookie;
        const res = await api(server.url, method, route, { cookie, body });
        if (res.status !== expected[i]) wrong.push(`${method} ${route} as ${who}: ${res.status}, expected ${expected[i]}`);
        // Refusals are JSON with a code and a message, never a stack trace.
        if (res.status >= 400) {
          if (typeof res.body?.error?.code !== "string" || typeof res.body?.error?.message !== "string") wrong.push(`${method} ${route} as ${who}: no error body`);
          if (JSON.stringify(res.body).includes("    at ")) wrong.push(`${method} ${route} as ${who}: a stack trace`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it("the table covers every route the app has", () => {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const p = path.join(dir, entry);
        if (statSync(p).isDirectory()) walk(p);
        else if (entry === "route.ts") found.push(path.relative(path.join(ROOT, "app"), dir));
      }
    };
    walk(path.join(ROOT, "app", "api"));
    // Public on purpose: health, sign-up and Auth.js's own routes.
    const publicRoutes = ["api/health", "api/signup", "api/auth/[...nextauth]"];
    const shape = (route: string) => route.split("?")[0]!.replace(roomId, "[roomId]").replace(ZERO, "[id]").replace(/x{43}/, "[token]").replace("item-1", "[itemId]").replace(/\/1(\/|$)/, "/[version]$1");
    const covered = new Set(rows().map((r) => shape(r[1]).slice(1)));
    const missing = found
      .filter((r) => !publicRoutes.includes(r))
      .filter((r) => ![...covered].some((c) => c.replace(/\[[^\]]+\]/g, "*") === r.replace(/\[[^\]]+\]/g, "*")));
    expect(missing).toEqual([]);
  });
});

describe("socket events", () => {
  it("each kind of caller gets the documented answer (no session: no socket at all)", async () => {
    await expect(connectSocket(server.url)).rejects.toThrow();
    const expected: Record<string, Record<Exclude<Who, "none">, string>> = {
      "room:join": { outsider: "forbidden", partner: "ok", therapist: "ok", revoked: "forbidden" },
      "exercise:act": { outsider: "forbidden", partner: "conflict", therapist: "conflict", revoked: "forbidden" },
      "agreement:consent": { outsider: "forbidden", partner: "not_found", therapist: "forbidden", revoked: "forbidden" },
      "agreement:comment": { outsider: "forbidden", partner: "not_found", therapist: "not_found", revoked: "forbidden" },
      "agreement:propose-signing": { outsider: "forbidden", partner: "conflict", therapist: "forbidden", revoked: "forbidden" },
      "agreement:witness": { outsider: "forbidden", partner: "forbidden", therapist: "invalid_input", revoked: "forbidden" },
      "agenda:remove": { outsider: "forbidden", partner: "not_found", therapist: "not_found", revoked: "forbidden" },
      "agreement:withdraw": { outsider: "forbidden", partner: "not_found", therapist: "forbidden", revoked: "forbidden" },
      "agreement:start-review": { outsider: "forbidden", partner: "conflict", therapist: "forbidden", revoked: "forbidden" },
      "agreement:review": { outsider: "forbidden", partner: "conflict", therapist: "forbidden", revoked: "forbidden" },
      "agreement:delete-comment": { outsider: "forbidden", partner: "not_found", therapist: "not_found", revoked: "forbidden" },
      "agreement:cancel-signing": { outsider: "forbidden", partner: "ok", therapist: "forbidden", revoked: "forbidden" },
      "agreement:sign": { outsider: "forbidden", partner: "invalid_input", therapist: "forbidden", revoked: "forbidden" },
      // Leaving a socket.io room needs no membership: it only stops updates to that socket.
      "room:leave": { outsider: "ok", partner: "ok", therapist: "ok", revoked: "ok" },
      "dashboard:watch": { outsider: "ok", partner: "ok", therapist: "ok", revoked: "ok" },
    };
    const payloads: Record<string, Record<string, unknown>> = {
      "room:join": {},
      "exercise:act": { event: { type: "hold" } },
      "agreement:consent": { itemId: "nope", hash: "0".repeat(64) },
      "agreement:comment": { itemId: "nope", text: "hello" },
      "agreement:propose-signing": {},
      "agreement:witness": { version: 1, password: "not the password" },
      "agenda:remove": { entryId: ZERO },
      "agreement:withdraw": { itemId: "nope" },
      "agreement:start-review": { itemId: "nope" },
      "agreement:review": { itemId: "nope", decision: "keep" },
      "agreement:delete-comment": { commentId: ZERO },
      "agreement:cancel-signing": {},
      "agreement:sign": { hash: "0".repeat(64), password: "not the password" },
      "room:leave": {},
      "dashboard:watch": {},
    };
    // Every command the server knows is in this table.
    const { commandSchemas } = await import("@/server/realtime/commands");
    expect(Object.keys(commandSchemas).sort()).toEqual(Object.keys(expected).sort());
    const wrong: string[] = [];
    for (const who of ["outsider", "partner", "therapist", "revoked"] as const) {
      const socket = await connectSocket(server.url, people[who].cookie);
      for (const [event, answers] of Object.entries(expected)) {
        const ack = await command(socket, event, event === "dashboard:watch" ? {} : { roomId, ...payloads[event] });
        const got = ack.ok ? "ok" : ack.error?.code;
        if (got !== answers[who]) wrong.push(`${event} as ${who}: ${got}, expected ${answers[who]}`);
      }
      socket.close();
    }
    expect(wrong).toEqual([]);
  });
});

describe("websocket upgrades", () => {
  it("the room's document: no session 401, outsider and revoked therapist 403, members accepted", async () => {
    const url = yjsUrl(server.url, roomId);
    expect(await expectUpgradeRefused(url)).toBe(401);
    expect(await expectUpgradeRefused(url, { cookie: people.outsider.cookie })).toBe(403);
    expect(await expectUpgradeRefused(url, { cookie: people.revoked.cookie })).toBe(403);
    expect(await expectUpgradeRefused(url, { cookie: people.partner.cookie, origin: "https://evil.example" })).toBe(403);
    for (const who of ["partner", "therapist"] as const) (await connectY(server.url, roomId, people[who].cookie)).close();
  });
});
