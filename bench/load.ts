/**
 * The benchmark's load: cheap clients that speak the y-websocket protocol themselves (sync,
 * awareness, and Mend's "saved" message), edit an agreement item's text, and record how long
 * each edit takes to reach the other people in the room and to be committed.
 *
 * A client sets its room up as a real Yjs client (a Y.Doc: sync, the first one writes the item),
 * then types without one: it writes each keystroke's update bytes itself and follows the text's
 * order from its peers' keystrokes (bench/text-model.ts). A Y.Doc per simulated person, with a
 * transaction, observers and a re-encoding for every update received, made the load generator's
 * own work and garbage collection the largest part of the latencies it measured.
 *
 * All clients live in this one process, so an edit's send time and its arrival at a peer are
 * read from the same clock.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import WebSocket from "ws";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { addAgreementItem, agreementItems, commitmentText } from "../app/lib/room-doc";
import { MessageType } from "../app/lib/wire";
import { encodeStateVector, snapshotClock, TextModel } from "./text-model";

const REMOTE = Symbol("remote");
/** An update with no structs and no deletions (what a client that lacks nothing answers). */
const EMPTY_UPDATE = new Uint8Array([0, 0]);

export interface Edit {
  /** The sender's clock just after the edit (Yjs state vectors count the same way). */
  clock: number;
  at: number;
}

export class Recorder {
  peer: number[] = [];
  saved: number[] = [];
  reset(): void {
    this.peer = [];
    this.saved = [];
  }
}

export class LoadClient {
  /** The Yjs client that sets the room up; null once this client types (`beginTyping`). */
  private doc: Y.Doc | null = new Y.Doc();
  readonly clientId = this.doc!.clientID;
  /** While typing: the text's characters in order, and each client's next clock received. */
  private text: TextModel | null = null;
  private readonly state = new Map<number, number>();
  /** This client's next clock, and its clock when it began typing. */
  private clock = 0;
  private typingFrom = 0;
  /** What it wrote as a Yjs client, up to which clock: a resync may need it (what it typed, the model has). */
  private readonly setupSent: Array<{ end: number; update: Uint8Array }> = [];
  readonly edits: Edit[] = [];
  room!: LoadRoom;
  ws!: WebSocket;
  synced = false;
  private syncedWaiters: Array<() => void> = [];
  private savedIdx = 0;
  /** Per sender in the room: how many of their edits this client has seen. */
  private seen = new Map<LoadClient, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
    private readonly recorder: Recorder,
  ) {
    this.doc!.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) {
        this.onRemote();
        return;
      }
      this.clock = Y.getState(this.doc!.store, this.clientId);
      this.setupSent.push({ end: this.clock, update });
      this.send(frame(MessageType.sync, (e) => syncProtocol.writeUpdate(e, update)));
    });
  }

  connect(): Promise<void> {
    this.synced = false;
    this.ws = new WebSocket(this.url, { headers: this.headers, perMessageDeflate: false });
    this.ws.binaryType = "nodebuffer";
    this.ws.on("message", (data: Buffer) => this.receive(new Uint8Array(data)));
    this.ws.on("error", () => {});
    this.ws.on("open", () =>
      this.send(
        frame(MessageType.sync, (e) => {
          if (this.doc) syncProtocol.writeSyncStep1(e, this.doc);
          else {
            encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1);
            encoding.writeVarUint8Array(e, encodeStateVector(this.state));
          }
        }),
      ),
    );
    return new Promise<void>((resolve, reject) => {
      this.syncedWaiters.push(() => resolve());
      this.ws.once("close", () => reject(new Error("closed before it synced")));
    }).then(() => {
      this.ws.removeAllListeners("close");
    }) as Promise<void>;
  }

  /** The room's item exists here (it was written here, or has arrived). */
  get hasItem(): boolean {
    return this.doc !== null && agreementItems(this.doc).length > 0;
  }

  /** Writes the item everyone in the room types into. */
  addItem(createdBy: string, id: string): void {
    if (this.doc && !this.hasItem) addAgreementItem(this.doc, { id, createdBy, commitment: "We " });
  }

  /** From now on this client types and reads without its Y.Doc (see the top of this file). */
  beginTyping(): void {
    const doc = this.doc;
    if (!doc) return;
    this.text = TextModel.fromYText(commitmentText(agreementItems(doc).get(0)!));
    for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(doc))) this.state.set(client, clock);
    this.state.set(this.clientId, this.clock);
    this.typingFrom = this.clock;
    doc.destroy();
    this.doc = null;
  }

  private send(bytes: Uint8Array): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(bytes);
  }

  private receive(data: Uint8Array): void {
    const decoder = decoding.createDecoder(data);
    const type = decoding.readVarUint(decoder);
    if (type === MessageType.sync) {
      let sub: number;
      if (this.doc) {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MessageType.sync);
        sub = syncProtocol.readSyncMessage(decoder, encoder, this.doc, REMOTE);
        if (encoding.length(encoder) > 1) this.send(encoding.toUint8Array(encoder));
      } else {
        sub = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (sub === syncProtocol.messageYjsSyncStep1) this.answerStep1(Y.decodeStateVector(payload));
        else this.take(payload);
      }
      if (sub === syncProtocol.messageYjsSyncStep2 && !this.synced) {
        this.synced = true;
        for (const w of this.syncedWaiters.splice(0)) w();
      }
    } else if (type === MessageType.saved) {
      const mine = snapshotClock(decoding.readVarUint8Array(decoder), this.clientId);
      const now = performance.now();
      while (this.savedIdx < this.edits.length && this.edits[this.savedIdx]!.clock <= mine) {
        this.recorder.saved.push(now - this.edits[this.savedIdx]!.at);
        this.savedIdx++;
      }
    }
  }

  /** The server asks what it lacks: our own updates beyond its clock for us. */
  private answerStep1(theirs: Map<number, number>): void {
    const known = theirs.get(this.clientId) ?? 0;
    const lacking = this.setupSent.filter((s) => s.end > known).map((s) => s.update);
    const typed = this.text?.typedSince(this.clientId, Math.max(known, this.typingFrom));
    if (typed) lacking.push(typed);
    const update = lacking.length === 0 ? EMPTY_UPDATE : lacking.length === 1 ? lacking[0]! : Y.mergeUpdates(lacking);
    this.send(
      frame(MessageType.sync, (e) => {
        encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
        encoding.writeVarUint8Array(e, update);
      }),
    );
  }

  /** Someone else's update, while typing: what it brings to the text, and how far each client is. */
  private take(update: Uint8Array): void {
    for (const s of Y.decodeUpdate(update).structs) {
      if (s instanceof Y.Skip) continue;
      const end = s.id.clock + s.length;
      if (end > (this.state.get(s.id.client) ?? 0)) this.state.set(s.id.client, end);
      if (s instanceof Y.Item) this.text!.applyItem(s);
    }
    this.onRemote();
  }

  /** How far this client has received `client`'s updates. */
  private stateOf(client: number): number {
    return this.doc ? Y.getState(this.doc.store, client) : (this.state.get(client) ?? 0);
  }

  /** After a remote update: which of each peer's edits have now arrived here. */
  private onRemote(): void {
    const now = performance.now();
    for (const sender of this.room?.clients ?? []) {
      if (sender === this) continue;
      const state = this.stateOf(sender.clientId);
      let idx = this.seen.get(sender) ?? 0;
      while (idx < sender.edits.length && sender.edits[idx]!.clock <= state) {
        this.recorder.peer.push(now - sender.edits[idx]!.at);
        idx++;
      }
      this.seen.set(sender, idx);
    }
  }

  /** One keystroke in the room's agreement item. */
  edit(): void {
    const text = this.text;
    if (!text) throw new Error("beginTyping() first");
    const letter = "abcdefghijklmnopqrstuvwxyz"[Math.floor(Math.random() * 26)]!;
    const update = text.insert(Math.floor(Math.random() * (text.length + 1)), this.clientId, this.clock, letter);
    this.clock++;
    this.state.set(this.clientId, this.clock);
    this.edits.push({ clock: this.clock, at: performance.now() });
    this.send(frame(MessageType.sync, (e) => syncProtocol.writeUpdate(e, update)));
  }

  startEditing(perSecond: number): void {
    const every = 1000 / perSecond;
    this.timer = setTimeout(() => {
      this.timer = setInterval(() => this.edit(), every);
    }, Math.random() * every);
  }

  stopEditing(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Edits of `sender` this client never received. */
  missing(sender: LoadClient): number {
    const state = this.stateOf(sender.clientId);
    return sender.edits.filter((e) => e.clock > state).length;
  }

  /** Own edits the server never said were committed. */
  unsaved(): number {
    return this.edits.length - this.savedIdx;
  }

  close(): void {
    this.stopEditing();
    this.ws?.terminate();
  }
}

export class LoadRoom {
  readonly clients: LoadClient[] = [];
  constructor(readonly id: string) {}
  add(client: LoadClient): void {
    client.room = this;
    this.clients.push(client);
  }
  /**
   * The first client writes the item everyone edits; once all have it, they begin typing
   * without their Y.Docs.
   */
  async prepare(createdBy: string): Promise<void> {
    this.clients[0]!.addItem(createdBy, `bench-${this.id}`);
    const deadline = Date.now() + 30_000;
    while (!this.clients.every((c) => c.hasItem)) {
      if (Date.now() > deadline) throw new Error(`room ${this.id} did not share its item`);
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const c of this.clients) c.beginTyping();
  }
}

function frame(type: number, write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, type);
  write(e);
  return encoding.toUint8Array(e);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
