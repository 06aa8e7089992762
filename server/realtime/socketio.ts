/**
 * socket.io at /socket.io for commands (intents with acks). The engine is bound by hand so the
 * upgrade router decides, after authentication, which upgrades reach it.
 */
import type { IncomingMessage } from "node:http";
import { Server as EngineServer } from "engine.io";
import { Server as IOServer, type ServerOptions, type Socket } from "socket.io";
import type { z } from "zod";
import { MAX_FRAME_BYTES } from "@/app/lib/wire";
import { AppError, isAppError } from "../errors";
import { log } from "../log";
import type { Agreement } from "../services/agreement";
import type { Exercises } from "../services/exercises";
import type { Rooms } from "../services/rooms";
import type { Signing } from "../services/signing";
import { type CommandAck, type CommandName, commandSchemas } from "./commands";
import { LIMITS, TokenBucket } from "./token-bucket";

export interface AuthedRequest extends IncomingMessage {
  mendUserId?: string;
}

export function createSocketServer({
  rooms,
  agreement,
  signing,
  exercises,
  adapter,
}: {
  rooms: Rooms;
  agreement: Agreement;
  signing: Signing;
  exercises: Exercises;
  /** Several nodes: socket.io's Redis adapter, so rooms and emits reach every node's sockets. */
  adapter?: ServerOptions["adapter"];
}) {
  const engine = new EngineServer({
    transports: ["websocket"],
    maxHttpBufferSize: MAX_FRAME_BYTES,
    allowUpgrades: false,
  });
  const io = new IOServer({ serveClient: false, path: "/socket.io", ...(adapter ? { adapter } : {}) });
  io.bind(engine);

  /** Sockets that asked for dashboard updates (none: changes need not be looked into at all). */
  let watchers = 0;

  io.use((socket, next) => {
    const userId = (socket.request as AuthedRequest).mendUserId;
    if (!userId) return next(new Error("unauthenticated"));
    socket.data.userId = userId;
    void socket.join(`user:${userId}`);
    next();
  });

  io.on("connection", (socket) => {
    on(socket, "room:join", async ({ roomId }) => {
      const member = await rooms.member(roomId, socket.data.userId as string);
      if (!member) throw new AppError("forbidden", "You are not a member of this room.");
      await socket.join(`room:${roomId}`);
      // Access may have ended between the check and the join (endAccess would have missed it).
      if (!(await rooms.roleOf(roomId, socket.data.userId as string))) {
        await socket.leave(`room:${roomId}`);
        throw new AppError("forbidden", "You are not a member of this room.");
      }
      return { role: member.role };
    });
    on(socket, "room:leave", async ({ roomId }) => {
      await socket.leave(`room:${roomId}`);
      return {};
    });
    on(socket, "agreement:consent", async ({ roomId, itemId, hash }) => ({
      status: await agreement.consent(roomId, socket.data.userId as string, itemId, hash),
    }));
    on(socket, "agreement:withdraw", async ({ roomId, itemId }) => ({
      status: await agreement.withdraw(roomId, socket.data.userId as string, itemId),
    }));
    on(socket, "agreement:start-review", async ({ roomId, itemId }) => ({
      status: await agreement.startReview(roomId, socket.data.userId as string, itemId),
    }));
    on(socket, "agreement:review", async ({ roomId, itemId, decision }) => ({
      status: await agreement.decideReview(roomId, socket.data.userId as string, itemId, decision),
    }));
    on(socket, "agreement:comment", async ({ roomId, itemId, text }) => ({
      comment: await agreement.comment(roomId, socket.data.userId as string, itemId, text),
    }));
    on(socket, "agreement:delete-comment", async ({ roomId, commentId }) => {
      await agreement.deleteComment(roomId, socket.data.userId as string, commentId);
      return {};
    });
    on(socket, "agreement:propose-signing", async ({ roomId }) => ({
      proposal: await signing.propose(roomId, socket.data.userId as string),
    }));
    on(socket, "agreement:cancel-signing", async ({ roomId }) => {
      await signing.cancel(roomId, socket.data.userId as string);
      return {};
    });
    on(socket, "agreement:sign", async ({ roomId, hash, password }) => signing.sign(roomId, socket.data.userId as string, hash, password));
    on(socket, "agreement:witness", async ({ roomId, version, password }) => signing.witness(roomId, socket.data.userId as string, version, password));
    on(socket, "dashboard:watch", async () => {
      if (!socket.data.watching) {
        socket.data.watching = true;
        watchers++;
        socket.once("disconnect", () => watchers--);
      }
      await socket.join(`watch:${socket.data.userId as string}`);
      return {};
    });
    on(socket, "exercise:act", async ({ roomId, event }) => ({
      state: await exercises.act(roomId, socket.data.userId as string, event),
    }));
    on(socket, "agenda:remove", async ({ roomId, entryId }) => {
      await exercises.removeAgendaEntry(roomId, socket.data.userId as string, entryId);
      return {};
    });
  });

  /**
   * A user's access to one room was removed: every socket of theirs is told; those that joined
   * the room are closed. (Sockets that never joined it could do nothing there anyway: every
   * command checks membership.)
   */
  async function endAccess(roomId: string, userId: string): Promise<void> {
    for (const s of await io.in(`user:${userId}`).fetchSockets()) {
      s.emit("room:access-ended", { roomId });
      if (s.rooms.has(`room:${roomId}`)) s.disconnect(true);
    }
  }

  /** Tells these users' dashboards that a room changed. */
  function notifyDashboards(userIds: string[], roomId: string): void {
    if (userIds.length > 0) io.to(userIds.map((u) => `watch:${u}`)).emit("dashboard:changed", { roomId });
  }

  // With several nodes a dashboard may be watched on another one: every change is worth telling.
  return { engine, io, endAccess, notifyDashboards, hasWatchers: () => adapter !== undefined || watchers > 0 };
}

/** Validates the payload, requires an ack, and turns every failure into an error ack. */
function on<N extends CommandName>(
  socket: Socket,
  name: N,
  handler: (payload: z.infer<(typeof commandSchemas)[N]>) => Promise<Record<string, unknown>>,
): void {
  socket.on(name as string, async (payload: unknown, ack: unknown) => {
    if (typeof ack !== "function") {
      socket.emit("error:command", { command: name, code: "invalid_input", message: "Commands need an acknowledgement callback." });
      return;
    }
    const reply = ack as (response: CommandAck) => void;
    const bucket = (socket.data.commands ??= new TokenBucket(LIMITS.commandsPerSecond, LIMITS.commandBurst, Date.now())) as TokenBucket;
    if (!bucket.take(Date.now())) {
      reply({ ok: false, error: { code: "rate_limited", message: "That was a lot at once. Please wait a moment and try again." } });
      return;
    }
    const parsed = commandSchemas[name].safeParse(payload);
    if (!parsed.success) {
      reply({ ok: false, error: { code: "invalid_input", message: parsed.error.issues[0]?.message ?? "Invalid command." } });
      return;
    }
    try {
      reply({ ok: true, ...(await handler(parsed.data as z.infer<(typeof commandSchemas)[N]>)) });
    } catch (error) {
      if (isAppError(error)) reply({ ok: false, error: { code: error.code, message: error.message } });
      else {
        log.error("socket command failed", { command: name, reason: (error as Error).message.slice(0, 200) });
        reply({ ok: false, error: { code: "internal", message: "Something went wrong on our side. Please try again." } });
      }
    }
  });
}
