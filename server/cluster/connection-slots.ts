/**
 * Connection limits across nodes: how many live document connections a person (and a room) holds
 * on all nodes together, counted in Redis. Each node counts its own connections in a field of the
 * room's hash (`<node>|<user>` → n); a field counts only while its node is alive (it renews an
 * entry in the nodes hash every few seconds), so a node that dies stops counting on its own.
 *
 * Redis is not the record here either: each node keeps the truth about its own connections and
 * writes it again when a release could not be sent, after Redis comes back, and periodically
 * (so the hash never expires under long-lived connections). When Redis cannot be reached, a
 * connection is let in; the per-node limit still applies.
 */
import type { Redis } from "ioredis";
import { log } from "../log";

/** A node whose entry is older than this no longer counts (it renews every SLOTS_RENEW_MS). */
const NODE_TTL_MS = 30_000;
const SLOTS_RENEW_MS = 10_000;
/** A room's hash outlives its last renewal by this much. */
const ROOM_TTL_MS = 60_000;

export interface Limits {
  perPerson: number;
  perRoom: number;
}

export interface ConnectionSlots {
  /** Takes a slot for one more connection; false when the person or the room is at a limit everywhere. */
  take(roomId: string, userId: string, limits: Limits): Promise<boolean>;
  /** Gives back a slot `take` gave. */
  give(roomId: string, userId: string): void;
  /** Redis may have lost everything: write this node's counts again. */
  rewriteAll(): void;
  close(): Promise<void>;
}

// Redis time, so nodes with different clocks agree on who is alive.
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS: room hash, nodes hash. ARGV: node, user, per person, per room, room ttl. */
const TAKE = `${NOW}
local fields = redis.call('HGETALL', KEYS[1])
local total, mine = 0, 0
for i = 1, #fields, 2 do
  local node, user = string.match(fields[i], '^([^|]*)|(.*)$')
  local alive = tonumber(redis.call('HGET', KEYS[2], node) or '0')
  if alive < now then
    redis.call('HDEL', KEYS[1], fields[i])
  else
    local n = tonumber(fields[i + 1])
    total = total + n
    if user == ARGV[2] then mine = mine + n end
  end
end
if mine >= tonumber(ARGV[3]) or total >= tonumber(ARGV[4]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 1)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

/** KEYS: room hash. ARGV: node, user. */
const GIVE = `local left = redis.call('HINCRBY', KEYS[1], ARGV[1] .. '|' .. ARGV[2], -1)
if left <= 0 then redis.call('HDEL', KEYS[1], ARGV[1] .. '|' .. ARGV[2]) end
return left`;

/** KEYS: room hash. ARGV: node, room ttl, then user, count pairs: this node's whole truth for the room. */
const REWRITE = `local mine = ARGV[1] .. '|'
for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(f, 1, #mine) == mine then redis.call('HDEL', KEYS[1], f) end
end
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], mine .. ARGV[i], ARGV[i + 1]) end
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1`;

/** KEYS: nodes hash. ARGV: node, ttl. Also forgets nodes gone for an hour. */
const ALIVE = `${NOW}
redis.call('HSET', KEYS[1], ARGV[1], now + tonumber(ARGV[2]))
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if tonumber(all[i + 1]) < now - 3600000 then redis.call('HDEL', KEYS[1], all[i]) end
end
return 1`;

export async function createConnectionSlots(redis: Redis, prefix: string, nodeId: string): Promise<ConnectionSlots> {
  const roomKey = (roomId: string) => `${prefix}:slots:${roomId}`;
  const nodesKey = `${prefix}:nodes`;
  /** This node's connections by room and person: the truth Redis is brought back to. */
  const here = new Map<string, Map<string, number>>();
  /** Rooms whose counts in Redis may be wrong (a failed command): rewritten at the next renewal. */
  const stale = new Set<string>();
  let lastWarning = 0;
  const warn = (what: string, error: Error) => {
    if (Date.now() - lastWarning < 10_000) return;
    lastWarning = Date.now();
    log.warn(`connection counts in redis: ${what} failed`, { reason: error.message.slice(0, 200) });
  };

  const count = (roomId: string, userId: string, delta: number) => {
    const people = here.get(roomId) ?? new Map<string, number>();
    const n = (people.get(userId) ?? 0) + delta;
    if (n > 0) people.set(userId, n);
    else people.delete(userId);
    if (people.size > 0) here.set(roomId, people);
    else here.delete(roomId);
  };

  const rewrite = async (roomId: string) => {
    const pairs = [...(here.get(roomId) ?? new Map<string, number>())].flatMap(([user, n]) => [user, String(n)]);
    await redis.eval(REWRITE, 1, roomKey(roomId), nodeId, ROOM_TTL_MS, ...pairs);
  };

  const renew = async () => {
    try {
      await redis.eval(ALIVE, 1, nodesKey, nodeId, NODE_TTL_MS);
      // Every room this node has connections in (the hash would otherwise expire under them),
      // and every room whose count could not be updated.
      for (const roomId of new Set([...here.keys(), ...stale])) {
        await rewrite(roomId);
        stale.delete(roomId);
      }
    } catch (error) {
      warn("renewal", error as Error);
    }
  };
  await renew();
  const timer = setInterval(() => void renew(), SLOTS_RENEW_MS);
  timer.unref();

  return {
    async take(roomId, userId, limits) {
      try {
        const ok = await redis.eval(TAKE, 2, roomKey(roomId), nodesKey, nodeId, userId, limits.perPerson, limits.perRoom, ROOM_TTL_MS);
        if (ok !== 1) return false;
      } catch (error) {
        warn("take", error as Error);
        stale.add(roomId);
      }
      // (A renewal running during the eval may miss this one until the next: one too few for
      // at most SLOTS_RENEW_MS, which errs toward letting someone in.)
      count(roomId, userId, 1);
      return true;
    },
    give(roomId, userId) {
      count(roomId, userId, -1);
      redis.eval(GIVE, 1, roomKey(roomId), nodeId, userId).catch((error: Error) => {
        warn("give", error);
        stale.add(roomId);
      });
    },
    rewriteAll() {
      for (const roomId of here.keys()) stale.add(roomId);
      void renew();
    },
    async close() {
      clearInterval(timer);
      // This node's fields stop counting at once, wherever they are.
      await redis.hdel(nodesKey, nodeId).catch(() => {});
    },
  };
}
