/**
 * One live room: its Y.Doc, the connections in it, and the queue of accepted updates waiting
 * to be committed. Every change to the doc goes through `doc.on("update")`, which both
 * broadcasts it and queues it, so the queue is exactly "what is applied but not yet committed".
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { WebSocket } from "ws";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { type AwarenessUser, colorForUser } from "@/app/lib/awareness";
import type { Role } from "@/app/lib/permissions";
import { ensureSchema, findAgreementItem } from "@/app/lib/room-doc";
import { CloseCode, MessageType, type Notice, type PresentMember } from "@/app/lib/wire";
import { checkGrowth, checkWrite, type Writer } from "@/app/lib/write-policy";
import { log } from "../log";
import { LIMITS, TokenBucket } from "../realtime/token-bucket";
import { decodeAwarenessUpdate, encodeAwarenessUpdate, sanitizeAwareness } from "./awareness-guard";
import type { RoomStore } from "./room-store";
import { reconcileStatuses } from "./agreement-status";
import { DocPolicyContext } from "./doc-policy";
import { DocSnapshots } from "./doc-snapshot";
import { payloadFrame } from "./frames";
import { inspectUpdate } from "./update-inspector";
import { applyUpdateYoung } from "./young-apply";
import type { ClusterMessage, NodeMember, Owners } from "../cluster/messages";
import { PRESENCE_TTL_MS, type RoomBus } from "../cluster/room-bus";

/** The origin of updates another node committed: shown here, never committed again. */
export const REMOTE = Symbol("committed by another node");
/** A missing sequence number is fetched from Postgres if it has not arrived by then. */
const GAP_WAIT_MS = 300;

export interface RoomMember {
  userId: string;
  name: string;
  role: Role;
}

export class Connection {
  /** Awareness client ids this connection speaks for. */
  readonly awarenessIds = new Set<number>();
  alive = true;
  readonly user: AwarenessUser;
  /** Who the write policy judges this connection's updates as. */
  readonly writer: Writer;
  /** Document frames this connection may still send (LIMITS in token-bucket.ts). */
  readonly frames = new TokenBucket(LIMITS.yjsFramesPerSecond, LIMITS.yjsFrameBurst, Date.now());
  /** Presence frames: those beyond the limit are dropped, not a reason to close. */
  readonly awarenessFrames = new TokenBucket(LIMITS.awarenessFramesPerSecond, LIMITS.awarenessFrameBurst, Date.now());
  /**
   * The room was full of unsaved work when this client sent an edit: it keeps its edits and we
   * ignore its updates ("held") until saving is back, then ask for everything we lack (sync
   * step 1) and ignore its plain updates until the answer (sync step 2) arrives ("asked"): one
   * sent meanwhile builds on edits we never took, and would be refused.
   */
  holdingBack: false | "held" | "asked" = false;
  /**
   * "Saved" goes to those whose words a commit holds (decision 014): this connection is told
   * after the batch with this number commits (0: it waits for nothing).
   */
  savedAfter = 0;
  /** The committed snapshot this connection was last told (the room's, by identity). */
  lastSaved: Uint8Array | null = null;

  constructor(
    readonly ws: WebSocket,
    readonly member: RoomMember,
  ) {
    this.user = { id: member.userId, name: member.name, role: member.role, color: colorForUser(member.userId) };
    this.writer = { role: member.role, userId: member.userId };
  }

  send(message: Uint8Array): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(message, { binary: true });
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
  }
}

export interface LiveRoomOptions {
  compactionThreshold: number;
  /** Told which agreement items a member's accepted update changed (for the items' history). */
  onItemsEdited?(roomId: string, userId: string, itemIds: Iterable<string>): void;
  /** Called when the last connection has left. */
  onEmpty(room: LiveRoom): void;
  /**
   * A member opened the room or closed it. `here`: their first (or last) connection to this
   * node; otherwise they appeared (or left) on another node.
   */
  onPresence?(room: LiveRoom, member: RoomMember, present: boolean, here: boolean): void;
  /**
   * Something an overview shows changed: the server wrote (state, status, signing…), or a member
   * added or removed an item or changed a review date. Not called for typing.
   */
  onChanged?(roomId: string): void;
  /** Several nodes: how this room reaches the others (absent: this process is the only one). */
  bus?: RoomBus;
  /** The sequence number of the newest committed row the doc was loaded with. */
  lastSeq?: number;
  /** Unsaved work the room keeps in memory while saving is slow or away (ROOM_UNSAVED_LIMIT_BYTES). */
  maxUnsavedBytes: number;
}

function message(type: number, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

export class LiveRoom {
  readonly connections = new Set<Connection>();
  readonly awareness: awarenessProtocol.Awareness;
  private pending: Uint8Array[] = [];
  private flushing: Promise<void> | null = null;
  private draining = false;
  private flushScheduled = false;
  private failures = 0;
  /** Batches taken from `pending` so far; the one being committed, if any (0: none). */
  private batchesTaken = 0;
  private inFlightBatch = 0;
  /** Bytes of accepted updates not yet committed, queued or being written (bounded). */
  private pendingBytes = 0;
  private inFlightBytes = 0;
  /** Encoded Y snapshot of what is committed in Postgres. */
  private committed: Uint8Array;
  private rowsSinceCompaction: number;
  private closed = false;
  /**
   * Which user writes with which Yjs client id. Structs carry (client id, clock); someone writing
   * under another's id could make that person's next edits look like duplicates and vanish.
   */
  private readonly clientOwners = new Map<number, string>();
  /**
   * While a speak-and-listen command reads and moves a draft's text, document updates wait here
   * (in arrival order: a client's later updates build on its earlier ones) and are judged after.
   */
  private held: Array<() => void> | null = null;
  /** Deleted content (a discarded transcript) is still in the update log: rewrite it at the next save. */
  private rewritePending = false;
  /** A rewrite after a deletion failed: the next save tries again (the deletion is committed by then). */
  private rewriteRetry = false;
  /** Every committed row up to this sequence number is in the doc (several nodes). */
  private knownSeq: number;
  /** Sequence numbers applied beyond a gap (another node's message not here yet). */
  private readonly seenSeqs = new Set<number>();
  private catchUpTimer: NodeJS.Timeout | null = null;
  private catchingUp: Promise<void> | null = null;
  /** Who has the room open on other nodes, by node, until the entry expires. */
  private readonly remotePresence = new Map<string, { members: NodeMember[]; expiresAt: number }>();
  /** Awareness ids other nodes' connections speak for, and whose they are. */
  private readonly remoteAwarenessOwners = new Map<number, string>();
  /** Another node's committed update was applied since the last "saved" was worked out. */
  private remoteApplied = false;
  private savedSoon = false;
  /** The rewrite of the log this room was loaded from, while it runs (close waits for it). */
  private loadedLogRewrite: Promise<void> | null = null;
  private readonly policy: DocPolicyContext;
  private readonly snapshots: DocSnapshots;

  constructor(
    readonly id: string,
    readonly doc: Y.Doc,
    rows: number,
    private readonly store: RoomStore,
    private readonly options: LiveRoomOptions,
  ) {
    this.rowsSinceCompaction = rows;
    this.knownSeq = options.lastSeq ?? 0;
    this.snapshots = new DocSnapshots(doc);
    this.committed = this.snapshots.encode();
    this.policy = new DocPolicyContext(doc);
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.awareness.setLocalState(null); // the server is not a participant
    this.clientOwners.set(doc.clientID, "server");
    doc.on("update", this.onDocUpdate);
    this.awareness.on("update", this.onAwarenessUpdate);
    ensureSchema(doc);
  }

  private onDocUpdate = (update: Uint8Array, origin: unknown) => {
    const msg = payloadFrame(MessageType.sync, syncProtocol.messageYjsUpdate, update);
    for (const conn of this.connections) if (conn !== origin) conn.send(msg);
    if (origin === REMOTE) {
      // Committed by the node that accepted it: shown here, never queued here.
      this.remoteApplied = true;
      this.scheduleSavedAfterRemote();
      return;
    }
    // A new array for a new batch, not a push into the last one: that one may be old by now,
    // and would keep this update alive until a full collection (see young-apply.ts).
    if (this.pending.length === 0) this.pending = [update];
    else this.pending.push(update);
    this.pendingBytes += update.byteLength;
    this.scheduleFlush();
    if (!(origin instanceof Connection)) this.options.onChanged?.(this.id);
  };

  private onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ) => {
    if (origin instanceof Connection) {
      for (const id of added) origin.awarenessIds.add(id);
      for (const id of removed) origin.awarenessIds.delete(id);
    } else if (origin !== null) {
      for (const id of removed) this.remoteAwarenessOwners.delete(id);
    }
    const changed = added.concat(updated, removed);
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
    const msg = payloadFrame(MessageType.awareness, null, update);
    for (const conn of this.connections) conn.send(msg);
    // This node's own connections (null: one left) reach the other nodes; timeouts happen everywhere.
    if (this.options.bus && (origin instanceof Connection || origin === null)) {
      const owners: Owners = origin instanceof Connection ? added.concat(updated).map((id) => [id, origin.member.userId]) : [];
      this.options.bus.publish(this.id, { kind: "awareness", update, owners });
    }
  };

  /** Runs `fn` with document updates held back (see `held`); they are handled, in order, after. */
  async withUpdatesHeld<T>(fn: () => Promise<T>): Promise<T> {
    if (this.held) return fn();
    this.held = [];
    try {
      return await fn();
    } finally {
      const waiting = this.held;
      this.held = null;
      for (const handle of waiting) handle();
    }
  }

  /** Everyone with the room open, on this node or another, once each. */
  present(): RoomMember[] {
    const seen = new Map(this.presentHere().map((m) => [m.userId, m]));
    const now = Date.now();
    for (const entry of this.remotePresence.values()) {
      if (entry.expiresAt <= now) continue;
      for (const m of entry.members) if (!seen.has(m.userId)) seen.set(m.userId, m);
    }
    return [...seen.values()];
  }

  /** Who has the room open on this node, once each. */
  private presentHere(): RoomMember[] {
    const seen = new Map<string, RoomMember>();
    for (const c of this.connections) seen.set(c.member.userId, c.member);
    return [...seen.values()];
  }

  private publishPresence(): void {
    const bus = this.options.bus;
    if (!bus) return;
    const members = this.presentHere().map(({ userId, name, role }) => ({ userId, name, role }));
    bus.publish(this.id, { kind: "presence", members });
    bus.setPresence(this.id, members);
  }

  /** Applies a change to other nodes' presence; tells everyone here who appeared or left. */
  private changeRemotePresence(change: () => void): void {
    const before = new Map(this.present().map((m) => [m.userId, m]));
    change();
    const after = new Map(this.present().map((m) => [m.userId, m]));
    let changed = false;
    for (const [id, m] of after) {
      if (before.has(id)) continue;
      changed = true;
      this.options.onPresence?.(this, m, true, false);
    }
    for (const [id, m] of before) {
      if (after.has(id)) continue;
      changed = true;
      this.options.onPresence?.(this, m, false, false);
    }
    if (changed) this.broadcastPresence();
  }

  /** Seeds other nodes' presence (read from Redis when the room opens here). */
  seedPresence(byNode: Map<string, NodeMember[]>): void {
    this.changeRemotePresence(() => {
      for (const [node, members] of byNode) this.remotePresence.set(node, { members, expiresAt: Date.now() + PRESENCE_TTL_MS });
    });
  }

  /** Every cluster heartbeat: refresh this node's presence, forget nodes that went quiet. */
  heartbeat(): void {
    if (this.connections.size > 0) this.publishPresence();
    const now = Date.now();
    if ([...this.remotePresence.values()].some((e) => e.expiresAt <= now)) {
      this.changeRemotePresence(() => {
        for (const [node, e] of this.remotePresence) if (e.expiresAt <= now) this.remotePresence.delete(node);
      });
    }
  }

  /** A message from another node about this room. */
  onRemote(m: ClusterMessage): void {
    if (this.closed) return;
    switch (m.kind) {
      case "update":
        // Committed elsewhere, but it waits like a local one while a command moves a draft here.
        if (this.held) this.held.push(() => this.applyRemote(m.seq, m.update, m.owners));
        else this.applyRemote(m.seq, m.update, m.owners);
        return;
      case "awareness":
        for (const [id, userId] of m.owners) this.remoteAwarenessOwners.set(id, userId);
        awarenessProtocol.applyAwarenessUpdate(this.awareness, m.update, REMOTE);
        return;
      case "presence":
        this.changeRemotePresence(() => {
          if (m.members.length === 0) this.remotePresence.delete(m.node);
          else this.remotePresence.set(m.node, { members: m.members, expiresAt: Date.now() + PRESENCE_TTL_MS });
        });
        return;
      case "disconnect":
        this.disconnectUser(m.userId, m.code, m.reason);
        return;
      case "hello": {
        if (this.connections.size === 0) return;
        this.publishPresence();
        const ids: number[] = [];
        const owners: Owners = [];
        for (const c of this.connections) {
          for (const id of c.awarenessIds) {
            if (!this.awareness.getStates().has(id)) continue;
            ids.push(id);
            owners.push([id, c.member.userId]);
          }
        }
        if (ids.length > 0) {
          this.options.bus?.publish(this.id, { kind: "awareness", update: awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids), owners });
        }
        return;
      }
    }
  }

  private applyRemote(seq: number, update: Uint8Array, owners: Owners): void {
    if (this.closed) return;
    for (const [client, userId] of owners) if (!this.clientOwners.has(client)) this.clientOwners.set(client, userId);
    applyUpdateYoung(this.doc, update, REMOTE);
    this.markSeq(seq);
  }

  /**
   * Records that the row `seq` is in the doc; a gap is filled from Postgres if it stays. Only
   * several nodes need this (one process sees every row it commits, in order).
   */
  private markSeq(seq: number): void {
    if (!this.options.bus || seq <= this.knownSeq) return;
    this.seenSeqs.add(seq);
    this.advanceKnownSeq();
    if (this.seenSeqs.size > 0 && !this.catchUpTimer) {
      this.catchUpTimer = setTimeout(() => {
        this.catchUpTimer = null;
        if (this.seenSeqs.size > 0) void this.catchUp();
      }, GAP_WAIT_MS);
      this.catchUpTimer.unref();
    }
  }

  /** Moves `knownSeq` over every row now known to be in the doc. */
  private advanceKnownSeq(): void {
    for (const s of this.seenSeqs) if (s <= this.knownSeq) this.seenSeqs.delete(s);
    while (this.seenSeqs.delete(this.knownSeq + 1)) this.knownSeq++;
  }

  /** Several nodes share this room: this doc may be a moment behind another node's writes. */
  get shared(): boolean {
    return this.options.bus !== undefined;
  }

  /** The newest row known to be in the doc. */
  get seq(): number {
    return this.knownSeq;
  }

  /**
   * Applies every row committed after `knownSeq` (other nodes' work this node did not hear
   * about: Redis dropped it, or restarted). Rows are idempotent, so overlap is harmless.
   */
  catchUp(): Promise<void> {
    if (this.catchingUp || this.closed) return this.catchingUp ?? Promise.resolve();
    this.catchingUp = (async () => {
      try {
        const rows = await this.store.readSince(this.id, this.knownSeq);
        if (rows.length === 0 || this.closed) return;
        const apply = () => {
          if (this.closed) return;
          this.doc.transact(() => {
            for (const row of rows) Y.applyUpdate(this.doc, row.update);
          }, REMOTE);
          this.knownSeq = Math.max(this.knownSeq, rows.at(-1)!.seq);
          this.advanceKnownSeq();
        };
        if (this.held) this.held.push(apply);
        else apply();
        log.info("caught up a room from the database", { room: this.id, rows: rows.length, seq: this.knownSeq });
      } catch (error) {
        log.warn("could not catch up a room from the database", { room: this.id, reason: (error as Error).message.slice(0, 200) });
      } finally {
        this.catchingUp = null;
      }
    })();
    return this.catchingUp;
  }

  /** Like catchUp, but reads only after this call (one under way may have read too early). */
  async catchUpFromNow(): Promise<void> {
    if (this.catchingUp) await this.catchingUp;
    await this.catchUp();
  }

  /** After another node's update: when nothing of ours is unsaved, the whole doc is committed. */
  private scheduleSavedAfterRemote(): void {
    if (this.savedSoon) return;
    this.savedSoon = true;
    setImmediate(() => {
      this.savedSoon = false;
      if (this.closed || this.pending.length > 0 || this.flushing) return; // the flush works it out
      this.remoteApplied = false;
      // Nobody here waits for it: their own words are in this node's commits.
      this.committed = this.snapshots.encode();
      this.askHeldBackEdits();
    });
  }

  private connectionsOf(userId: string): number {
    let n = 0;
    for (const c of this.connections) if (c.member.userId === userId) n++;
    return n;
  }

  private presenceMessage(): Uint8Array {
    const list: PresentMember[] = this.present().map(({ userId, name, role }) => ({ userId, name, role }));
    return message(MessageType.presence, (e) => encoding.writeVarString(e, JSON.stringify(list)));
  }

  private broadcastPresence(): void {
    const msg = this.presenceMessage();
    for (const conn of this.connections) conn.send(msg);
  }

  /** Closes every connection of this user (their access ended), with a final close code. */
  disconnectUser(userId: string, code: number, reason: string): number {
    let n = 0;
    for (const conn of [...this.connections]) {
      if (conn.member.userId !== userId) continue;
      conn.close(code, reason);
      this.leave(conn); // at once: the socket's own close event may come later
      n++;
    }
    return n;
  }

  join(conn: Connection): void {
    this.connections.add(conn);
    const first = this.connectionsOf(conn.member.userId) === 1;
    conn.send(message(MessageType.sync, (e) => syncProtocol.writeSyncStep1(e, this.doc)));
    const states = Array.from(this.awareness.getStates().keys());
    if (states.length > 0) {
      conn.send(
        message(MessageType.awareness, (e) =>
          encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, states)),
        ),
      );
    }
    this.sendSaved(conn, this.savedMessage());
    if (this.failures > 0) conn.send(this.pausedMessage());
    if (first) {
      this.broadcastPresence();
      this.publishPresence();
      this.options.onPresence?.(this, conn.member, true, true);
    } else {
      conn.send(this.presenceMessage());
    }
  }

  leave(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    awarenessProtocol.removeAwarenessStates(this.awareness, Array.from(conn.awarenessIds), null);
    if (this.connectionsOf(conn.member.userId) === 0) {
      this.broadcastPresence();
      this.publishPresence();
      this.options.onPresence?.(this, conn.member, false, true);
    }
    if (this.connections.size === 0) this.options.onEmpty(this);
  }

  /** Handles one binary frame; a frame that cannot be decoded closes this connection only. */
  receive(conn: Connection, data: Uint8Array): void {
    // A closing socket's client is not told "saved" for these; it sends them again on reconnect.
    if (conn.ws.readyState !== conn.ws.OPEN || this.closed) return;
    if (this.held && data[0] === MessageType.sync) {
      this.held.push(() => this.receive(conn, data));
      return;
    }
    try {
      const decoder = decoding.createDecoder(data);
      const type = decoding.readVarUint(decoder);
      if (type === MessageType.sync) this.receiveSync(conn, decoder);
      else if (type === MessageType.awareness) this.receiveAwareness(conn, decoding.readVarUint8Array(decoder));
      else throw new Error(`unknown message type ${type}`);
    } catch (error) {
      log.warn("closing connection after a malformed frame", {
        room: this.id,
        user: conn.member.userId,
        reason: (error as Error).message.slice(0, 120),
      });
      conn.close(CloseCode.malformed, "Malformed message");
    }
  }

  private receiveSync(conn: Connection, decoder: decoding.Decoder): void {
    const subType = decoding.readVarUint(decoder);
    if (subType === syncProtocol.messageYjsSyncStep1) {
      const stateVector = decoding.readVarUint8Array(decoder);
      conn.send(message(MessageType.sync, (e) => syncProtocol.writeSyncStep2(e, this.doc, stateVector)));
      return;
    }
    if (subType !== syncProtocol.messageYjsSyncStep2 && subType !== syncProtocol.messageYjsUpdate) {
      throw new Error(`unknown sync message ${subType}`);
    }
    const received = decoding.readVarUint8Array(decoder);
    // Its later updates build on the one we did not take: all of them come in one piece later.
    if (conn.holdingBack === "held") return;
    if (conn.holdingBack === "asked") {
      if (subType !== syncProtocol.messageYjsSyncStep2) return;
      conn.holdingBack = false;
    }
    // While saving is slow or away the room keeps working in memory, up to a bound. Beyond it
    // nothing is refused: the writer keeps the edit, and sends it when saving is back. (With
    // nothing unsaved, one update is taken whatever its size: no commit would ask for it.)
    const unsaved = this.pendingBytes + this.inFlightBytes;
    if (unsaved > 0 && unsaved + received.byteLength > this.options.maxUnsavedBytes) {
      conn.holdingBack = "held";
      const notice: Notice = {
        kind: "saving-full",
        message: "Saving is paused, and the room is holding all the unsaved words it safely can. What you write now stays on this device and is shared as soon as saving is back.",
      };
      conn.send(message(MessageType.notice, (e) => encoding.writeVarString(e, JSON.stringify(notice))));
      log.warn("room holds as much unsaved work as it may; a writer holds back", { room: this.id, user: conn.member.userId });
      return;
    }
    // The write policy: decode in full, resolve every change to its section, check each one.
    // A refused update is dropped whole: not applied, not stored, not broadcast.
    const inspection = inspectUpdate(this.doc, received); // throws on corrupt bytes → 1007
    if (!inspection.ok) return this.refuse(conn, inspection.reason);
    // Nothing new: words the room has already, maybe sent before a reconnect, and not committed yet.
    if (inspection.changes.length === 0 && inspection.clients.size === 0) return this.owesSaved(conn);
    const writer = conn.writer;
    // Removing a whole item deletes its fields too; those follow from the removal, which is judged.
    let removed: Set<string> | null = null;
    for (const c of inspection.changes) {
      if (c.op === "delete" && c.path.length === 0 && c.itemId) (removed ??= new Set()).add(c.itemId);
    }
    for (const change of inspection.changes) {
      if (removed && change.op === "delete" && change.path.length > 0 && change.itemId !== null && removed.has(change.itemId)) continue;
      const reason = checkWrite(writer, change, this.policy);
      if (reason) return this.refuse(conn, reason, `${change.op} ${change.section}/${change.path.join("/")}`);
    }
    for (const g of inspection.growth) {
      const current = g.type ? ((g.type as unknown as { length?: number }).length ?? 0) : 0;
      const reason = checkGrowth(g.section, g.path, current, g.added);
      if (reason) return this.refuse(conn, reason, `grow ${g.section}/${g.path.join("/")} by ${g.added}`);
    }
    const ids = new Set<unknown>();
    for (const id of inspection.newItemIds) {
      if (typeof id !== "string" || id.length === 0 || id.length > 64 || ids.has(id) || findAgreementItem(this.doc, id)) {
        return this.refuse(conn, "A new item needs an id of its own.");
      }
      ids.add(id);
    }
    for (const client of inspection.clients) {
      const owner = this.clientOwners.get(client);
      if (owner !== undefined && owner !== writer.userId) return this.refuse(conn, "This change was made under someone else's name.");
      // An id someone else is using for their presence is theirs, even before they first write.
      for (const other of this.connections) {
        if (other !== conn && other.member.userId !== writer.userId && other.awarenessIds.has(client)) {
          return this.refuse(conn, "This change was made under someone else's name.");
        }
      }
      const elsewhere = this.remoteAwarenessOwners.get(client);
      if (elsewhere !== undefined && elsewhere !== writer.userId) return this.refuse(conn, "This change was made under someone else's name.");
    }
    for (const client of inspection.clients) this.clientOwners.set(client, writer.userId);
    if (inspection.changes.some((c) => c.topLevel || c.path[0] === "reviewDate")) this.options.onChanged?.(this.id);
    const store = this.doc.store;
    const nothingWaited = store.pendingStructs === null && store.pendingDs === null;
    let incomplete = false;
    try {
      applyUpdateYoung(this.doc, inspection.update, conn);
      // The inspector refuses what Yjs would keep waiting (gaps, missing neighbours, circles).
      // Should anything still be left pending, it is dropped here rather than kept for ever and
      // handed to everyone who syncs; what did apply was judged and stays; the sender reloads.
      incomplete = nothingWaited && (store.pendingStructs !== null || store.pendingDs !== null);
      if (incomplete) {
        store.pendingStructs = null;
        store.pendingDs = null;
      }
    } finally {
      // Even if applying stopped half-way: an edit to an item clears consents to its earlier wording.
      let touched: Set<string> | null = null;
      for (const c of inspection.changes) if (c.section === "agreementItems" && c.itemId) (touched ??= new Set()).add(c.itemId);
      if (touched) {
        reconcileStatuses(this.doc, touched);
        if (!incomplete) this.options.onItemsEdited?.(this.id, writer.userId, touched);
      }
    }
    if (incomplete) this.refuse(conn, "This change could not be applied in full.");
    else this.owesSaved(conn);
  }

  /**
   * This connection has words in the room (just applied, or already there) and is told "saved"
   * once they are committed: after the batch that holds them, or now if that happened already.
   */
  private owesSaved(conn: Connection): void {
    if (this.pending.length > 0) conn.savedAfter = this.batchesTaken + 1;
    else if (this.inFlightBatch !== 0) conn.savedAfter = this.inFlightBatch;
    else if (conn.lastSaved !== this.committed) this.sendSaved(conn, this.savedMessage());
  }

  private sendSaved(conn: Connection, frame: Uint8Array): void {
    conn.send(frame);
    conn.lastSaved = this.committed;
    conn.savedAfter = 0;
  }

  private receiveAwareness(conn: Connection, update: Uint8Array): void {
    const entries = sanitizeAwareness<Connection | "elsewhere">(
      decodeAwarenessUpdate(update),
      conn,
      conn.user,
      (id) => this.awarenessOwner(id),
      conn.awarenessIds.size,
    );
    if (entries.length > 0) awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessUpdate(entries), conn);
  }

  /** "elsewhere": a connection on another node speaks for this id. */
  private awarenessOwner(clientId: number): Connection | "elsewhere" | undefined {
    for (const c of this.connections) if (c.awarenessIds.has(clientId)) return c;
    return this.remoteAwarenessOwners.has(clientId) ? "elsewhere" : undefined;
  }

  /** Tells the sender why, and that its copy now differs from the room's (it reloads it). */
  private refuse(conn: Connection, why: string, what?: string): void {
    const notice: Notice = { kind: "update-refused", message: why, resync: true };
    conn.send(message(MessageType.notice, (e) => encoding.writeVarString(e, JSON.stringify(notice))));
    log.warn("update refused", { room: this.id, user: conn.member.userId, role: conn.member.role, change: what, reason: why });
  }

  private pausedMessage(): Uint8Array {
    const notice: Notice = {
      kind: "saving-paused",
      message: "Saving is paused: we cannot reach our storage right now. Everything you write stays in the room and is saved as soon as it is back.",
    };
    return message(MessageType.notice, (e) => encoding.writeVarString(e, JSON.stringify(notice)));
  }

  private savedMessage(): Uint8Array {
    return payloadFrame(MessageType.saved, null, this.committed);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.closed) return;
    this.flushScheduled = true;
    // setImmediate lets every frame already read from the sockets join this batch.
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  /**
   * Group commit: one transaction takes everything queued; updates arriving meanwhile wait for
   * the next. Clients are told "saved" only after the commit returns.
   */
  flush(): Promise<void> {
    if (!this.flushing && this.pending.length > 0) {
      const run = this.drain();
      // It clears `flushing` itself when it ends (no `finally` chained on: two promises a commit).
      // One that ended before returning (it threw at once) has nothing left to wait for.
      if (!this.draining) return run;
      this.flushing = run;
    }
    return this.flushing ?? Promise.resolve();
  }

  get hasUnsavedChanges(): boolean {
    return this.pending.length > 0 || this.flushing !== null;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        const batchNumber = ++this.batchesTaken;
        this.inFlightBatch = batchNumber;
        this.inFlightBytes = this.pendingBytes;
        this.pendingBytes = 0;
        // Every applied update is in `batch` or already committed, so this is exactly the state
        // that will be committed when the append returns.
        const snapshot = this.snapshots.encode();
        this.remoteApplied = false;
        const update = batch.length === 1 ? batch[0]! : Y.mergeUpdates(batch);
        let seq: number;
        try {
          // A database that hangs instead of refusing fails the append too (SAVE_TIMEOUT_MS, in the store).
          seq = (await this.store.enqueue(this.id, update)).seqOf(this.id);
        } catch (error) {
          this.inFlightBytes = 0;
          this.inFlightBatch = 0;
          if (/does not exist/.test((error as Error).message)) {
            // The room itself was deleted (its last member left Mend): nothing to save it into.
            log.warn("room no longer exists; dropping its unsaved updates", { room: this.id });
            this.pending = [];
            this.pendingBytes = 0;
            return;
          }
          // Kept as one merged update: many small ones would cost more to hold and to retry.
          this.pending = [Y.mergeUpdates(batch.concat(this.pending))];
          this.pendingBytes = this.pending[0]!.byteLength;
          this.failures++;
          // Everyone in the room is told once, plainly; "saved" comes back when it is true again.
          if (this.failures === 1) {
            const paused = this.pausedMessage();
            for (const conn of this.connections) conn.send(paused);
          }
          // Jittered, so rooms (and nodes) do not all knock at the same moment when it returns.
          const wait = Math.min(100 * 2 ** this.failures, 5_000) * (0.5 + Math.random() / 2);
          log.error("could not save room updates; retrying", {
            room: this.id,
            attempt: this.failures,
            retryInMs: wait,
            reason: (error as Error).message.slice(0, 200),
          });
          if (this.closed && this.failures > 5) throw error;
          await new Promise((resolve) => setTimeout(resolve, wait));
          continue;
        }
        this.inFlightBytes = 0;
        this.inFlightBatch = 0;
        // Everyone was told saving paused: everyone hears that it is back.
        const toldPaused = this.failures > 0;
        this.failures = 0;
        if (this.options.bus) {
          // Committed: now the other nodes may show it (and who wrote under which client id).
          const owners: Owners = [];
          for (const client of Y.parseUpdateMeta(update).from.keys()) {
            const owner = this.clientOwners.get(client);
            if (owner !== undefined) owners.push([client, owner]);
          }
          this.options.bus.publish(this.id, { kind: "update", seq, update, owners });
        }
        this.markSeq(seq);
        // Another node's (committed) work applied meanwhile is saved too, unless ours is pending.
        this.committed = this.remoteApplied && this.pending.length === 0 ? this.snapshots.encode() : snapshot;
        if (this.pending.length === 0) this.remoteApplied = false;
        const saved = this.savedMessage();
        for (const conn of this.connections) {
          if (toldPaused || (conn.savedAfter !== 0 && conn.savedAfter <= batchNumber)) this.sendSaved(conn, saved);
        }
        this.askHeldBackEdits();
        if (++this.rowsSinceCompaction >= this.options.compactionThreshold) await this.compact();
        else if (this.rewriteRetry) await this.compact({ clearRewrite: true });
      }
    } finally {
      this.draining = false;
      this.flushing = null;
    }
  }

  /**
   * Saving works again: writers who held edits back are asked for everything the room lacks
   * (sync step 1); their answer is judged like any update. Asked only with room to take it.
   */
  private askHeldBackEdits(): void {
    if (this.pending.length > 0) return; // the next commit asks
    let ask: Uint8Array | null = null;
    for (const conn of this.connections) {
      if (conn.holdingBack !== "held") continue;
      conn.holdingBack = "asked";
      ask ??= message(MessageType.sync, (e) => syncProtocol.writeSyncStep1(e, this.doc));
      conn.send(ask);
    }
  }

  /**
   * Saves what is pending, then rewrites the room's update log as one snapshot of the current
   * doc: content deleted from the doc (a discarded transcript) then no longer exists in Postgres.
   */
  async rewriteHistory(): Promise<void> {
    this.rewritePending = true;
    // First everything applied so far (the deleting update included) is committed; only then is
    // the log rewritten. A compaction that ran before could still hold the deleted words.
    await this.flush();
    await this.compact({ clearRewrite: true });
  }

  /**
   * Rewrites the `rows` rows up to `seq` the room was loaded from as `snapshot`, in the
   * background (the room was opened counting them as one row).
   */
  replaceLoadedLog(seq: number, snapshot: Uint8Array, rows: number): void {
    this.loadedLogRewrite = this.store
      .replaceUpTo(this.id, seq, snapshot, rows)
      .then((replaced) => {
        // Not replaced: something else rewrote the log meanwhile (it is short already).
        log.info(replaced ? "compacted room log after load" : "room log rewritten elsewhere since load", { room: this.id, rows });
      })
      .catch((error: Error) => {
        // Nothing is lost: the rows are still there, and they count towards the next compaction.
        this.rowsSinceCompaction += rows;
        log.error("could not compact room log after load", { room: this.id, reason: error.message.slice(0, 200) });
      })
      .finally(() => {
        this.loadedLogRewrite = null;
      });
  }

  private async compact(options: { clearRewrite?: boolean } = {}): Promise<void> {
    try {
      const { rowsBefore } = await this.store.compact(this.id, options);
      this.rowsSinceCompaction = 1;
      if (options.clearRewrite) {
        this.rewritePending = false;
        this.rewriteRetry = false;
      }
      log.info("compacted room log", { room: this.id, rowsBefore });
    } catch (error) {
      // Nothing is lost: the rows are still there, and the next flush tries again.
      log.error("could not compact room log", { room: this.id, reason: (error as Error).message.slice(0, 200) });
      if (options.clearRewrite) this.rewriteRetry = true;
    }
  }

  /** Final flush, then free the doc. Connections must already be gone or closed. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.catchUpTimer) clearTimeout(this.catchUpTimer);
    this.options.bus?.setPresence(this.id, []);
    await this.flush();
    if (this.loadedLogRewrite) await this.loadedLogRewrite;
    if (this.rewritePending) await this.compact({ clearRewrite: true });
    this.doc.off("update", this.onDocUpdate);
    this.snapshots.destroy();
    this.awareness.destroy();
    this.doc.destroy();
  }
}
