/**
 * How the server processes (nodes) sharing one PostgreSQL reach each other: a Redis channel per
 * room for committed updates, awareness, presence and "disconnect this person", a Redis hash
 * per room saying who has it open on which node (read when a node opens the room, so it knows at
 * once who is here elsewhere), and the connection counts (connection-slots.ts).
 *
 * Redis is a fast path, not the record: everything a node publishes about the document is
 * already committed in Postgres, and a node that misses messages catches up from there
 * (LiveRoom.catchUp). Publishing never waits for Redis and never fails a user's action.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { log } from "../log";
import { type ConnectionSlots, createConnectionSlots } from "./connection-slots";
import { type ClusterMessage, decodeClusterMessage, encodeClusterMessage, type NodeMember } from "./messages";

/** A node's presence entry lives this long unless refreshed (a node that dies drops out). */
export const PRESENCE_TTL_MS = 30_000;
/** How often a node refreshes its presence and checks its rooms against Postgres. */
export const CLUSTER_HEARTBEAT_MS = 10_000;

export interface RoomBus {
  readonly nodeId: string;
  /** Delivers this room's messages from other nodes to `handler` (resolves once subscribed). */
  join(roomId: string, handler: (message: ClusterMessage) => void): Promise<void>;
  leave(roomId: string): void;
  /** Fire and forget: the message is this node's own (its node id is filled in). */
  publish(roomId: string, message: DistributiveOmit<ClusterMessage, "node">): void;
  /** Records who has the room open on this node (empty: nobody), for nodes that open it later. */
  setPresence(roomId: string, members: NodeMember[]): void;
  /** Who has the room open on other nodes, by node. */
  readPresence(roomId: string): Promise<Map<string, NodeMember[]>>;
  /** Called after Redis came back from an outage (messages may have been missed meanwhile). */
  onReconnect(fn: () => void): void;
  /** Connection limits counted over every node. */
  readonly slots: ConnectionSlots;
  close(): Promise<void>;
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

export async function connectRoomBus(url: string, prefix: string): Promise<RoomBus> {
  const nodeId = randomUUID();
  // Publishing while Redis is away fails at once instead of piling up in memory.
  // A Redis that hangs rather than refusing does not hold up a connection being let in either.
  const pub = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true, commandTimeout: 2_000 });
  // Named, so an operator (or a test) can find this node's subscriber in CLIENT LIST.
  const sub = new Redis(url, { lazyConnect: true, connectionName: `${prefix}:bus:${nodeId}` });
  let lastError = 0;
  const onError = (error: Error) => {
    // ioredis reports every failed reconnect attempt: once every 10 s is enough to be heard.
    if (Date.now() - lastError > 10_000) log.error("redis connection problem", { reason: error.message.slice(0, 200) });
    lastError = Date.now();
  };
  pub.on("error", onError);
  sub.on("error", onError);
  await Promise.all([pub.connect(), sub.connect()]);
  const slots = await createConnectionSlots(pub, prefix, nodeId);

  const channel = (roomId: string) => `${prefix}:room:${roomId}`;
  const presenceKey = (roomId: string) => `${prefix}:presence:${roomId}`;
  const handlers = new Map<string, (message: ClusterMessage) => void>();
  const reconnectListeners: Array<() => void> = [];
  let ready = true;
  sub.on("close", () => {
    ready = false;
  });
  sub.on("ready", () => {
    if (ready) return;
    ready = true;
    log.info("redis is back: catching up every open room from the database");
    slots.rewriteAll();
    for (const fn of reconnectListeners) fn();
  });
  sub.on("messageBuffer", (channelName: Buffer, payload: Buffer) => {
    const name = channelName.toString();
    const roomId = name.slice(prefix.length + ":room:".length);
    const handler = handlers.get(roomId);
    if (!handler || name !== channel(roomId)) return;
    let message: ClusterMessage;
    try {
      message = decodeClusterMessage(new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength));
    } catch (error) {
      log.warn("dropping a malformed cluster message", { room: roomId, reason: (error as Error).message.slice(0, 120) });
      return;
    }
    if (message.node !== nodeId) handler(message);
  });

  const quietly = (what: string, promise: Promise<unknown>) =>
    void promise.catch((error: Error) => {
      if (Date.now() - lastError > 10_000) log.warn(`redis ${what} failed`, { reason: error.message.slice(0, 200) });
      lastError = Date.now();
    });

  return {
    nodeId,
    async join(roomId, handler) {
      handlers.set(roomId, handler);
      await sub.subscribe(channel(roomId));
    },
    leave(roomId) {
      handlers.delete(roomId);
      quietly("unsubscribe", sub.unsubscribe(channel(roomId)));
    },
    publish(roomId, message) {
      const bytes = encodeClusterMessage({ ...message, node: nodeId } as ClusterMessage);
      quietly("publish", pub.publish(channel(roomId), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
    },
    setPresence(roomId, members) {
      const key = presenceKey(roomId);
      if (members.length === 0) {
        quietly("presence", pub.hdel(key, nodeId));
        return;
      }
      const entry = JSON.stringify({ members, expiresAt: Date.now() + PRESENCE_TTL_MS });
      quietly("presence", pub.multi().hset(key, nodeId, entry).pexpire(key, PRESENCE_TTL_MS * 2).exec());
    },
    async readPresence(roomId) {
      const result = new Map<string, NodeMember[]>();
      const all = await pub.hgetall(presenceKey(roomId)).catch(() => ({}) as Record<string, string>);
      for (const [node, raw] of Object.entries(all)) {
        if (node === nodeId) continue;
        try {
          const entry = JSON.parse(raw) as { members: NodeMember[]; expiresAt: number };
          if (entry.expiresAt > Date.now() && Array.isArray(entry.members)) result.set(node, entry.members);
        } catch {
          // an unreadable entry is ignored; it expires
        }
      }
      return result;
    },
    onReconnect(fn) {
      reconnectListeners.push(fn);
    },
    slots,
    async close() {
      handlers.clear();
      await slots.close();
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
