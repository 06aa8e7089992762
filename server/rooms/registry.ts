/**
 * Live rooms by id: loaded from Postgres on first join (concurrent joins share one load),
 * unloaded after a final flush once the last member has left and a short grace period passed
 * (a page reload should not reload the room).
 */
import type { WebSocket } from "ws";
import * as Y from "yjs";
import { CloseCode, MAX_EARLY_FRAMES, MAX_FRAME_BYTES, MessageType } from "@/app/lib/wire";
import { log } from "../log";
import { LIMITS } from "../realtime/token-bucket";
import { Connection, LiveRoom, type RoomMember } from "./live-room";
import type { RoomStore } from "./room-store";
import type { ClusterMessage } from "../cluster/messages";
import { CLUSTER_HEARTBEAT_MS, type RoomBus } from "../cluster/room-bus";

/** withRoomInOrder calls running at once on this node (each holds one of the pool's 10 connections). */
const MAX_IN_ORDER_AT_ONCE = 4;
/** How long such a change waits for its commit before letting the next one in regardless. */
const IN_ORDER_SAVE_WAIT_MS = 10_000;

class Semaphore {
  private waiting: Array<() => void> = [];
  constructor(private free: number) {}
  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/** Messages from other nodes kept while a room loads here (beyond this, it catches up from Postgres). */
const MAX_EARLY_CLUSTER_MESSAGES = 10_000;

export interface RegistryOptions {
  compactionThreshold: number;
  onItemsEdited?(roomId: string, userId: string, itemIds: Iterable<string>): void;
  /** A member opened the room or closed it; `here`: on this node (see LiveRoomOptions). */
  onPresence?(room: LiveRoom, member: RoomMember, present: boolean, here: boolean): void;
  onChanged?(roomId: string): void;
  /** Is this person still a member? Asked again right after they join (their access may have ended while the room loaded). */
  stillMember?(roomId: string, userId: string): Promise<boolean>;
  /** Runs once after a room is loaded, before anyone joins it (the doc catches up with Postgres). */
  onLoaded?(room: LiveRoom): Promise<void>;
  unloadDelayMs: number;
  /** How often dead sockets are detected with a ping. */
  heartbeatMs?: number;
  /** Several nodes share these rooms (REDIS_URL); absent: this process is the only one. */
  bus?: RoomBus;
  /** See LiveRoomOptions. */
  maxUnsavedBytes: number;
}

export class RoomRegistry {
  private readonly rooms = new Map<string, LiveRoom>();
  private readonly loading = new Map<string, Promise<LiveRoom>>();
  private readonly unloadTimers = new Map<string, NodeJS.Timeout>();
  /** Accepted connections per room and person, for the connection limits. */
  private readonly accepted = new Map<string, Map<string, number>>();
  /** Server commands running against each room: it is not unloaded under them. */
  private readonly inUse = new Map<string, number>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly clusterHeartbeat: NodeJS.Timeout | null = null;
  private shuttingDown = false;
  private readonly inOrderSlots = new Semaphore(MAX_IN_ORDER_AT_ONCE);

  constructor(
    private readonly store: RoomStore,
    private readonly options: RegistryOptions,
  ) {
    this.heartbeat = setInterval(() => this.checkHeartbeats(), options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
    const bus = options.bus;
    if (bus) {
      this.clusterHeartbeat = setInterval(() => void this.clusterCheck(), CLUSTER_HEARTBEAT_MS);
      this.clusterHeartbeat.unref();
      // Redis was away: whatever was published meanwhile is lost; Postgres has all of it.
      bus.onReconnect(() => {
        for (const room of this.rooms.values()) {
          room.heartbeat();
          void room.catchUp();
        }
      });
    }
  }

  /**
   * Several nodes: refresh presence, and compare each open room with Postgres: a room behind
   * the newest committed row (a message lost on its way) catches up.
   */
  private async clusterCheck(): Promise<void> {
    const open = [...this.rooms.values()];
    for (const room of open) room.heartbeat();
    try {
      const latest = await this.store.lastSeqs(open.map((r) => r.id));
      for (const room of open) {
        const seq = latest.get(room.id);
        if (seq !== undefined && seq > room.seq) void room.catchUp();
      }
    } catch (error) {
      log.warn("could not compare open rooms with the database", { reason: (error as Error).message.slice(0, 200) });
    }
  }

  get size(): number {
    return this.rooms.size;
  }

  /** Attaches an accepted websocket to its room. */
  async connect(ws: WebSocket, roomId: string, member: RoomMember): Promise<void> {
    const conn = new Connection(ws, member);
    if (this.shuttingDown) {
      conn.close(CloseCode.goingAway, "Server restarting");
      return;
    }
    // Frames that arrive while the room loads are kept in order and replayed (within bounds).
    const early: Uint8Array[] = [];
    let earlyBytes = 0;
    let room: LiveRoom | null = null;
    ws.on("message", (data, isBinary) => {
      const bytes = toBytes(data);
      if (!isBinary || bytes.byteLength > MAX_FRAME_BYTES) {
        conn.close(CloseCode.malformed, "Expected a binary Yjs message");
        return;
      }
      // A flood is stopped here, before it is decoded or costs anyone else in the room. Presence
      // beyond its own limit is only dropped (a later state replaces it anyway).
      if (bytes[0] === MessageType.awareness) {
        if (!conn.awarenessFrames.take(Date.now())) return;
      } else if (!conn.frames.take(Date.now())) {
        log.warn("closing a connection that sent too many messages", { room: roomId, user: member.userId });
        conn.close(CloseCode.policy, "Too many messages");
        return;
      }
      if (room) room.receive(conn, bytes);
      else if (early.length < MAX_EARLY_FRAMES && earlyBytes + bytes.byteLength <= MAX_FRAME_BYTES) {
        early.push(bytes);
        earlyBytes += bytes.byteLength;
      } else conn.close(CloseCode.policy, "Too many messages before the room was ready");
    });
    ws.on("pong", () => {
      conn.alive = true;
    });
    ws.on("close", () => {
      room?.leave(conn);
    });
    ws.on("error", () => ws.terminate());

    try {
      room = await this.load(roomId);
    } catch (error) {
      log.error("could not load room", { room: roomId, reason: (error as Error).message.slice(0, 200) });
      conn.close(CloseCode.internalError, "Could not open this room right now");
      return;
    }
    if (ws.readyState !== ws.OPEN) {
      this.scheduleUnloadIfEmpty(room);
      return;
    }
    this.cancelUnload(roomId);
    room.join(conn);
    for (const bytes of early.splice(0)) room.receive(conn, bytes);
    // Access ended between the upgrade and now: it was removed before this connection could be
    // found and closed. Joined first, checked second, so one of the two always catches it.
    if (this.options.stillMember && !(await this.options.stillMember(roomId, member.userId).catch(() => true))) {
      room.disconnectUser(member.userId, CloseCode.forbidden, "Your access to this room has ended.");
    }
  }

  /**
   * Runs a server command against a room's live doc, loading it if nobody is connected (it is
   * unloaded again after the grace period). Frames are handled during any await in `fn`, so
   * whatever `fn` read before an await is checked again after it.
   */
  async withRoom<T>(roomId: string, fn: (room: LiveRoom) => T | Promise<T>): Promise<T> {
    if (this.shuttingDown) throw new Error("shutting down");
    const room = await this.load(roomId);
    this.cancelUnload(roomId);
    this.inUse.set(roomId, (this.inUse.get(roomId) ?? 0) + 1);
    try {
      return await fn(room);
    } finally {
      const left = (this.inUse.get(roomId) ?? 1) - 1;
      if (left > 0) this.inUse.set(roomId, left);
      else this.inUse.delete(roomId);
      this.scheduleUnloadIfEmpty(room);
    }
  }

  /**
   * Like withRoom, for a change decided from the doc itself (an agreement item's consents). With
   * several nodes, two such changes made at once on different nodes would both be decided on a
   * copy lacking the other, and one would overwrite the other. So one runs at a time per room
   * (a PostgreSQL advisory lock), on a copy holding everything committed before it, and it is
   * committed before the lock is released.
   */
  async withRoomInOrder<T>(roomId: string, fn: (room: LiveRoom) => T | Promise<T>): Promise<T> {
    if (!this.options.bus) return this.withRoom(roomId, fn);
    // Each holds a database connection while it runs; the rest of the pool stays free.
    await this.inOrderSlots.acquire();
    try {
      return await this.withRoom(roomId, (room) =>
        this.store.exclusive(roomId, async () => {
          await room.catchUpFromNow();
          const result = await fn(room);
          // Saving paused (the database went away meanwhile): the change stays in the room and
          // is saved later; the lock is not held for the length of an outage.
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([room.flush(), new Promise((resolve) => (timer = setTimeout(resolve, IN_ORDER_SAVE_WAIT_MS)))]);
          clearTimeout(timer);
          return result;
        }),
      );
    } finally {
      this.inOrderSlots.release();
    }
  }

  /**
   * Reserves a place for one more connection of this person to this room, counted from the
   * moment it is accepted (whether the room is loaded or not) until its socket closes; null when
   * the person or the room is at the limit, on this node or (several nodes) on all of them
   * together. The caller releases it when the socket closes.
   */
  async reserve(roomId: string, userId: string): Promise<(() => void) | null> {
    const here = this.reserveHere(roomId, userId);
    const slots = this.options.bus?.slots;
    if (!here || !slots) return here;
    if (!(await slots.take(roomId, userId, { perPerson: LIMITS.connectionsPerPersonPerRoom, perRoom: LIMITS.connectionsPerRoom }))) {
      here();
      return null;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      here();
      slots.give(roomId, userId);
    };
  }

  private reserveHere(roomId: string, userId: string): (() => void) | null {
    const people = this.accepted.get(roomId) ?? new Map<string, number>();
    let total = 0;
    for (const n of people.values()) total += n;
    const mine = people.get(userId) ?? 0;
    if (mine >= LIMITS.connectionsPerPersonPerRoom || total >= LIMITS.connectionsPerRoom) return null;
    people.set(userId, mine + 1);
    this.accepted.set(roomId, people);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (people.get(userId) ?? 1) - 1;
      if (left > 0) people.set(userId, left);
      else people.delete(userId);
      if (people.size === 0 && this.accepted.get(roomId) === people) this.accepted.delete(roomId);
    };
  }

  /** The live room, if it is loaded in this process. */
  peek(roomId: string): LiveRoom | undefined {
    return this.rooms.get(roomId);
  }

  /** Ends a user's live connections to a room (their access was removed), on every node. */
  disconnectUser(roomId: string, userId: string, code: number, reason: string): number {
    this.options.bus?.publish(roomId, { kind: "disconnect", userId, code, reason });
    return this.rooms.get(roomId)?.disconnectUser(userId, code, reason) ?? 0;
  }

  private load(roomId: string): Promise<LiveRoom> {
    const live = this.rooms.get(roomId);
    if (live) return Promise.resolve(live);
    let pending = this.loading.get(roomId);
    if (!pending) {
      pending = (async () => {
        const bus = this.options.bus;
        // Subscribed before the doc is read, so nothing committed elsewhere falls in between;
        // messages arriving meanwhile wait (applying one already in the doc changes nothing).
        let target: LiveRoom | null = null;
        const early: ClusterMessage[] = [];
        let overflow = false;
        if (bus) {
          await bus.join(roomId, (m) => {
            if (target) target.onRemote(m);
            else if (early.length < MAX_EARLY_CLUSTER_MESSAGES) early.push(m);
            else overflow = true;
          });
        }
        try {
          return await this.open(roomId, (room) => {
            target = room;
            for (const m of early.splice(0)) room.onRemote(m);
            if (overflow) void room.catchUp();
          });
        } catch (error) {
          bus?.leave(roomId);
          throw error;
        }
      })().finally(() => this.loading.delete(roomId));
      this.loading.set(roomId, pending);
    }
    return pending;
  }

  private async open(roomId: string, attach: (room: LiveRoom) => void): Promise<LiveRoom> {
    const bus = this.options.bus;
    const loaded = await this.store.load(roomId);
    // A long log is rewritten as one row once the room is open (the first person does not wait
    // for it). The snapshot is taken now, from exactly the rows read; the rewrite checks that
    // they are still there (see replaceUpTo), so deleted words can never come back through it.
    const rewrite =
      loaded.rows >= this.options.compactionThreshold && !loaded.rewritePending
        ? { seq: loaded.lastSeq, rows: loaded.rows, snapshot: Y.encodeStateAsUpdate(loaded.doc) }
        : null;
    const room = new LiveRoom(roomId, loaded.doc, rewrite ? 1 : loaded.rows, this.store, {
      compactionThreshold: this.options.compactionThreshold,
      onItemsEdited: this.options.onItemsEdited,
      onEmpty: (r) => this.scheduleUnloadIfEmpty(r),
      onPresence: this.options.onPresence,
      onChanged: this.options.onChanged,
      bus,
      lastSeq: loaded.lastSeq,
      maxUnsavedBytes: this.options.maxUnsavedBytes,
    });
    attach(room);
    if (bus) {
      room.seedPresence(await bus.readPresence(roomId));
      bus.publish(roomId, { kind: "hello" });
    }
    await this.options.onLoaded?.(room);
    this.rooms.set(roomId, room);
    if (rewrite) room.replaceLoadedLog(rewrite.seq, rewrite.snapshot, rewrite.rows);
    // Words were deleted and the log not yet rewritten (the process stopped in between): the
    // doc has caught up with Postgres above (reconcile), so rewrite from it, after its save.
    if (loaded.rewritePending) {
      void room.rewriteHistory().catch((error: Error) => log.error("could not rewrite a room's history", { room: roomId, reason: error.message.slice(0, 200) }));
    }
    return room;
  }

  private scheduleUnloadIfEmpty(room: LiveRoom): void {
    if (room.connections.size > 0 || this.inUse.has(room.id) || this.shuttingDown) return;
    this.cancelUnload(room.id);
    const timer = setTimeout(() => {
      this.unloadTimers.delete(room.id);
      void this.unload(room);
    }, this.options.unloadDelayMs);
    timer.unref();
    this.unloadTimers.set(room.id, timer);
  }

  private cancelUnload(roomId: string): void {
    const timer = this.unloadTimers.get(roomId);
    if (timer) clearTimeout(timer);
    this.unloadTimers.delete(roomId);
  }

  private async unload(room: LiveRoom): Promise<void> {
    await room.flush();
    // Someone may have joined, or a command started, while we were saving.
    if (room.connections.size > 0 || this.inUse.has(room.id) || this.rooms.get(room.id) !== room) return;
    this.rooms.delete(room.id);
    // At once: a new load of this room may subscribe again while this one saves.
    this.options.bus?.leave(room.id);
    await room.close();
    log.info("room unloaded", { room: room.id });
  }

  private checkHeartbeats(): void {
    for (const room of this.rooms.values()) {
      for (const conn of room.connections) {
        if (!conn.alive) {
          conn.ws.terminate();
          continue;
        }
        conn.alive = false;
        conn.ws.ping();
      }
    }
  }

  /** Closes every connection, then saves and frees every room. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    clearInterval(this.heartbeat);
    if (this.clusterHeartbeat) clearInterval(this.clusterHeartbeat);
    for (const timer of this.unloadTimers.values()) clearTimeout(timer);
    this.unloadTimers.clear();
    await Promise.allSettled(this.loading.values());
    for (const room of this.rooms.values()) {
      for (const conn of room.connections) conn.close(CloseCode.goingAway, "Server restarting");
    }
    const results = await Promise.allSettled(Array.from(this.rooms.values(), (room) => room.close()));
    for (const r of results) {
      if (r.status === "rejected") log.error("could not save a room while shutting down", { reason: String(r.reason) });
    }
    this.rooms.clear();
  }
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
