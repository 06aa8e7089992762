/**
 * Mend's one process on one port: Next.js for pages and the HTTP API, socket.io at /socket.io
 * for commands, Yjs sync at /yjs/:roomId. `npm start` runs this in production mode,
 * `npm run dev` in development mode.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import nextEnv from "@next/env";
import next from "next";
import { openDatabase } from "@/db/client";
import { DataDirLockedError } from "@/db/lock";
import { ConfigError, parseConfig, resolveAuthSecret } from "./config";
import { log } from "./log";
import { createSocketServer, type AuthedRequest } from "./realtime/socketio";
import { RoomRegistry } from "./rooms/registry";
import { createRoomStore } from "./rooms/room-store";
import { type Runtime, setRuntime } from "./runtime";
import { readSession } from "./auth/session-cookie";
import { createAccounts } from "./services/accounts";
import { createAgreement } from "./services/agreement";
import { createCheckIns } from "./services/check-ins";
import { createExercises } from "./services/exercises";
import type { LiveRoom, RoomMember } from "./rooms/live-room";
import { createAccess } from "./services/access";
import { createDashboard } from "./services/dashboard";
import { createNotes } from "./services/notes";
import { createJourney } from "./services/journey";
import { createDataRights } from "./services/data-rights";
import { createPrivateSpace } from "./services/private-space";
import { createSessions } from "./services/sessions";
import { createSigning } from "./services/signing";
import { createInvites } from "./services/invites";
import { createRateLimiter } from "./services/rate-limit";
import { createRooms } from "./services/rooms";
import { createUpgradeRouter } from "./upgrade";
import { CLIENT_IP_HEADER, clientIp } from "./http/client-ip";
import { contentSecurityPolicy, newNonce } from "./http/content-security-policy";
import { sql } from "drizzle-orm";
import { Redis } from "ioredis";
import { createAdapter } from "@socket.io/redis-adapter";
import { connectRoomBus, type RoomBus } from "./cluster/room-bus";
import { SESSION_HEARTBEAT_MS } from "./services/sessions";

const dev = process.argv.includes("--dev");
const env = process.env as Record<string, string | undefined>;
env.NODE_ENV ??= dev ? "development" : "production";
env.NEXT_TELEMETRY_DISABLED ??= "1";
nextEnv.loadEnvConfig(process.cwd(), dev);

async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  env.AUTH_SECRET = resolveAuthSecret(config);
  if (config.APP_URL) env.AUTH_URL ??= config.APP_URL;

  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.dataDir });
  const { db } = database;
  // Several nodes need one PostgreSQL; the embedded database belongs to exactly one process.
  let bus: RoomBus | undefined;
  let adapterClients: Redis[] = [];
  if (config.REDIS_URL && database.driver === "postgres") {
    try {
      bus = await connectRoomBus(config.REDIS_URL, config.REDIS_PREFIX);
    } catch (error) {
      console.error(`Mend cannot reach Redis at REDIS_URL (${(error as Error).message}). Start Redis, or unset REDIS_URL to run a single process.`);
      process.exit(1);
    }
    adapterClients = [new Redis(config.REDIS_URL), new Redis(config.REDIS_URL)];
    for (const c of adapterClients) c.on("error", () => {}); // the bus logs Redis trouble once
  } else if (config.REDIS_URL) {
    log.warn("REDIS_URL is ignored: several processes need a shared PostgreSQL (DATABASE_URL); the embedded database serves one");
  }
  const rateLimiter = createRateLimiter(db);
  const accounts = createAccounts(db, rateLimiter, { signUpsPerHourPerIp: config.SIGNUP_LIMIT_PER_HOUR });
  const rooms = createRooms(db);
  const invites = createInvites(db, rooms, rateLimiter, config.INVITE_TTL_SECONDS, config.INVITE_LIMIT_PER_HOUR);
  // The registry calls into services that themselves use the registry: bound once both exist.
  let onItemsEdited: (roomId: string, userId: string, itemIds: Iterable<string>) => void = () => {};
  let onLoaded: (room: LiveRoom) => Promise<void> = async () => {};
  let onPresence: (room: LiveRoom, member: RoomMember, present: boolean, here: boolean) => void = () => {};
  let onChanged: (roomId: string) => void = () => {};
  const registry = new RoomRegistry(createRoomStore(database, { saveTimeoutMs: config.SAVE_TIMEOUT_MS }), {
    compactionThreshold: config.COMPACTION_THRESHOLD,
    unloadDelayMs: config.ROOM_UNLOAD_DELAY_MS,
    maxUnsavedBytes: config.ROOM_UNSAVED_LIMIT_BYTES,
    onItemsEdited: (roomId, userId, itemIds) => onItemsEdited(roomId, userId, itemIds),
    onLoaded: (room) => onLoaded(room),
    onPresence: (room, member, present, here) => onPresence(room, member, present, here),
    onChanged: (roomId) => onChanged(roomId),
    stillMember: async (roomId, userId) => (await rooms.roleOf(roomId, userId)) !== null,
    bus,
  });
  const agreement = createAgreement(db, rooms, registry);
  onItemsEdited = agreement.recordEdits;
  const signing = createSigning(db, rooms, accounts, registry);
  const checkIns = createCheckIns(db, rooms, registry);
  const access = createAccess(db, rooms, registry);
  const sessions = createSessions(db, rooms, access, { graceMs: config.SESSION_GRACE_MS });
  const dashboard = createDashboard(db, rooms, registry);
  const exercises = createExercises(db, rooms, registry, {
    onTurnCompleted: (roomId) => sessions.onTurnCompleted(roomId),
  });
  const notes = createNotes(db, rooms, sessions);
  const privateSpace = createPrivateSpace(db, rooms, registry);
  const journey = createJourney(db, rooms, registry);
  const dataRights = createDataRights(db, accounts, registry);
  onLoaded = exercises.reconcile;
  // Sessions no process has renewed for a while were left by one that stopped: they end.
  await sessions.heartbeat();
  const sessionTimer = setInterval(() => void sessions.heartbeat().catch(() => {}), SESSION_HEARTBEAT_MS);
  sessionTimer.unref();
  onChanged = dashboard.changed;
  onPresence = (room, member, present, here) => {
    sessions.onPresence(room, member, present, here);
    // The node where it happened tells the dashboards (socket.io reaches every node's).
    if (here) dashboard.changed(room.id);
  };
  const runtime: Runtime = {
    config,
    driver: database.driver,
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    accounts,
    rooms,
    invites,
    rateLimiter,
    agreement,
    signing,
    checkIns,
    exercises,
    access,
    sessions,
    notes,
    dashboard,
    privateSpace,
    journey,
    dataRights,
  };
  setRuntime(runtime);

  const { engine, io, endAccess, notifyDashboards, hasWatchers } = createSocketServer({
    rooms,
    agreement,
    signing,
    exercises,
    adapter: adapterClients.length === 2 ? createAdapter(adapterClients[0], adapterClients[1], { key: `${config.REDIS_PREFIX}-sio` }) : undefined,
  });
  access.bindSockets(endAccess);
  dataRights.bindSockets(endAccess);
  dashboard.bindNotify(notifyDashboards, hasWatchers);

  let handle: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null = null;
  const server = createServer((req, res) => {
    req.headers[CLIENT_IP_HEADER] = clientIp(req, config.TRUST_PROXY);
    if (!handle) {
      res.writeHead(503, { "content-type": "application/json", "retry-after": "2" });
      res.end(JSON.stringify({ error: { code: "unavailable", message: "Mend is starting. Please try again in a moment." } }));
      return;
    }
    if (req.url?.startsWith("/socket.io/")) {
      // Only the websocket transport is offered; its upgrade is authenticated in upgrade.ts.
      void readSession(req.headers.cookie, env.AUTH_SECRET!).then((session) => {
        if (!session) {
          res.writeHead(401, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { code: "unauthenticated", message: "Please sign in first." } }));
          return;
        }
        (req as AuthedRequest).mendUserId = session.userId;
        engine.handleRequest(req, res);
      });
      return;
    }
    // A fresh nonce per response: Next.js reads it from this request header and marks its scripts.
    const policy = contentSecurityPolicy(newNonce(), dev);
    req.headers["content-security-policy"] = policy;
    res.setHeader("Content-Security-Policy", policy);
    void handle(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const app = next({ dev, dir: process.cwd(), hostname: "localhost", port, httpServer: server });
  await app.prepare();
  // Next would otherwise add its own upgrade listener on the first request and answer our
  // /yjs and /socket.io upgrades too; unknown upgrades are handed to it below instead.
  (app as unknown as { didWebSocketSetup: boolean }).didWebSocketSetup = true;
  const nextUpgrade = (app as unknown as { upgradeHandler: ReturnType<typeof createUpgradeRouter> }).upgradeHandler;
  server.on(
    "upgrade",
    createUpgradeRouter({
      secret: env.AUTH_SECRET,
      appUrl: config.APP_URL,
      accounts,
      rooms,
      registry,
      engine,
      nextUpgrade: (req, socket, head) => void nextUpgrade(req, socket, head),
    }),
  );
  handle = app.getRequestHandler();

  const pruneTimer = setInterval(() => void rateLimiter.prune().catch(() => {}), 60 * 60 * 1000);
  pruneTimer.unref();

  log.info(`listening on port ${port}`, { driver: database.driver, mode: dev ? "development" : "production", node: bus?.nodeId ?? "single" });
  console.log(`\n  Mend is ready at http://localhost:${port}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down: saving every room", { signal });
    const force = setTimeout(() => {
      log.error("shutdown took too long; exiting");
      process.exit(1);
    }, 15_000);
    force.unref();
    server.close();
    io.close();
    engine.close();
    await registry.shutdown();
    await sessions.shutdown();
    await bus?.close();
    await Promise.allSettled(adapterClients.map((c) => c.quit()));
    await database.close();
    await app.close().catch(() => {});
    server.closeAllConnections();
    log.info("stopped cleanly");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));

  // Test servers are told their test runner's pid: when it is gone, so are they.
  const parent = Number(env.MEND_EXIT_WITH_PID);
  if (Number.isInteger(parent) && parent > 0) {
    const watch = setInterval(() => {
      try {
        process.kill(parent, 0);
      } catch {
        void stop("parent exited");
      }
    }, 2_000);
    watch.unref();
  }
}

main().catch((error: unknown) => {
  if (error instanceof DataDirLockedError) console.error(error.message);
  else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
