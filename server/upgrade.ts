/**
 * Every websocket upgrade is routed here, and every one of ours is authenticated before it is
 * accepted: no session → 401; a room one is not in (or that does not exist) → 403; a malformed
 * room id or an unknown path → 404. A refusal is an HTTP response on the upgrade, never an
 * accepted socket. Only /_next/ upgrades (development HMR) are handed to Next.js.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Server as EngineServer } from "engine.io";
import { WebSocketServer } from "ws";
import { roomIdSchema } from "@/app/lib/api-schemas";
import { MAX_FRAME_BYTES } from "@/app/lib/wire";
import { readSession } from "./auth/session-cookie";
import { log } from "./log";
import type { AuthedRequest } from "./realtime/socketio";
import type { RoomRegistry } from "./rooms/registry";
import type { Accounts } from "./services/accounts";
import type { Rooms } from "./services/rooms";

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  503: "Service Unavailable",
};

export function refuseUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\n` +
      "Content-Type: application/json\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "Connection: close\r\n\r\n" +
      body,
  );
}

/** A cookie-authenticated websocket must come from our own pages (no cross-site hijacking). */
export function sameOrigin(req: IncomingMessage, appUrl?: string): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // not a browser; browsers always send Origin on websockets
  try {
    const host = new URL(origin).host;
    return host === req.headers.host || (appUrl !== undefined && host === new URL(appUrl).host);
  } catch {
    return false;
  }
}

export interface UpgradeDeps {
  secret: string;
  appUrl?: string;
  accounts: Accounts;
  rooms: Rooms;
  registry: RoomRegistry;
  engine: EngineServer;
  /** Next.js's own upgrades (HMR in development). */
  nextUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export function createUpgradeRouter(deps: UpgradeDeps) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  /**
   * The signed-in user (their session decrypts), or null once refused. `accountChecked`: the
   * caller looks the account up itself (a room membership is found only for an existing one).
   */
  async function authenticate(req: IncomingMessage, socket: Duplex, accountChecked = false): Promise<string | null> {
    if (!sameOrigin(req, deps.appUrl)) {
      refuseUpgrade(socket, 403, "forbidden", "Cross-site connections are not allowed.");
      return null;
    }
    const session = await readSession(req.headers.cookie, deps.secret);
    if (!session || (!accountChecked && !(await deps.accounts.findById(session.userId)))) {
      refuseUpgrade(socket, 401, "unauthenticated", "Please sign in first.");
      return null;
    }
    return session.userId;
  }

  return async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    socket.on("error", () => socket.destroy());
    const pathname = (req.url ?? "/").split("?")[0]!;
    try {
      if (pathname.startsWith("/socket.io/")) {
        const userId = await authenticate(req, socket);
        if (!userId) return;
        (req as AuthedRequest).mendUserId = userId;
        deps.engine.handleUpgrade(req, socket, head);
        return;
      }
      if (pathname.startsWith("/yjs/")) {
        const parsed = roomIdSchema.safeParse(decodeURIComponent(pathname.slice("/yjs/".length)));
        if (!parsed.success) {
          refuseUpgrade(socket, 404, "not_found", "There is no room at this address.");
          return;
        }
        const roomId = parsed.data;
        const userId = await authenticate(req, socket, true);
        if (!userId) return;
        // One query when all is well: a membership exists only for an existing account.
        const member = await deps.rooms.member(roomId, userId);
        if (!member) {
          if (!(await deps.accounts.findById(userId))) refuseUpgrade(socket, 401, "unauthenticated", "Please sign in first.");
          else refuseUpgrade(socket, 403, "forbidden", "You are not a member of this room.");
          return;
        }
        const release = await deps.registry.reserve(roomId, userId);
        if (!release) {
          refuseUpgrade(socket, 429, "rate_limited", "This room is open in too many windows. Please close one and try again.");
          return;
        }
        // Counted until the socket closes, however the upgrade ends (it may have closed meanwhile).
        if (socket.destroyed) {
          release();
          return;
        }
        socket.once("close", release);
        wss.handleUpgrade(req, socket, head, (ws) => {
          void deps.registry.connect(ws, roomId, member);
        });
        return;
      }
      if (pathname.startsWith("/_next/")) {
        deps.nextUpgrade(req, socket, head); // HMR in development
        return;
      }
      // Next leaves other upgrades hanging; answer them.
      refuseUpgrade(socket, 404, "not_found", "There is nothing to connect to at this address.");
    } catch (error) {
      log.error("upgrade failed", { path: pathname.slice(0, 80), reason: (error as Error).message.slice(0, 200) });
      refuseUpgrade(socket, 503, "unavailable", "Please try again in a moment.");
    }
  };
}
