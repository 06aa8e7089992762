/**
 * The benchmark's load: cheap clients that speak the y-websocket protocol themselves (sync,
 * awareness, and Mend's "saved" message), edit an agreement item's text, and record how long
 * each edit takes to reach the other people in the room and to be committed.
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

const REMOTE = Symbol("remote");

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
  readonly doc = new Y.Doc();
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
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) {
        this.onRemote();
        return;
      }
      this.send(frame(MessageType.sync, (e) => syncProtocol.writeUpdate(e, update)));
    });
  }

  connect(): Promise<void> {
    this.synced = false;
    this.ws = new WebSocket(this.url, { headers: this.headers, perMessageDeflate: false });
    this.ws.binaryType = "nodebuffer";
    this.ws.on("message", (data: Buffer) => this.receive(new Uint8Array(data)));
    this.ws.on("error", () => {});
    this.ws.on("open", () => this.send(frame(MessageType.sync, (e) => syncProtocol.writeSyncStep1(e, this.doc))));
    return new Promise<void>((resolve, reject) => {
      this.syncedWaiters.push(() => resolve());
      this.ws.once("close", () => reject(new Error("closed before it synced")));
    }).then(() => {
      this.ws.removeAllListeners("close");
    }) as Promise<void>;
  }

  private send(bytes: Uint8Array): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(bytes);
  }

  private receive(data: Uint8Array): void {
    const decoder = decoding.createDecoder(data);
    const type = decoding.readVarUint(decoder);
    if (type === MessageType.sync) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MessageType.sync);
      const sub = syncProtocol.readSyncMessage(decoder, encoder, this.doc, REMOTE);
      if (encoding.length(encoder) > 1) this.send(encoding.toUint8Array(encoder));
      if (sub === syncProtocol.messageYjsSyncStep2 && !this.synced) {
        this.synced = true;
        for (const w of this.syncedWaiters.splice(0)) w();
      }
    } else if (type === MessageType.saved) {
      const snapshot = Y.decodeSnapshot(decoding.readVarUint8Array(decoder));
      const mine = snapshot.sv.get(this.doc.clientID) ?? 0;
      const now = performance.now();
      while (this.savedIdx < this.edits.length && this.edits[this.savedIdx]!.clock <= mine) {
        this.recorder.saved.push(now - this.edits[this.savedIdx]!.at);
        this.savedIdx++;
      }
    }
  }

  /** After a remote update: which of each peer's edits have now arrived here. */
  private onRemote(): void {
    const now = performance.now();
    for (const sender of this.room?.clients ?? []) {
      if (sender === this) continue;
      const state = Y.getState(this.doc.store, sender.doc.clientID);
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
    const item = agreementItems(this.doc).get(0);
    if (!item) return;
    const text = commitmentText(item);
    text.insert(Math.floor(Math.random() * (text.length + 1)), "abcdefghijklmnopqrstuvwxyz"[Math.floor(Math.random() * 26)]!);
    this.edits.push({ clock: Y.getState(this.doc.store, this.doc.clientID), at: performance.now() });
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
    const state = Y.getState(this.doc.store, sender.doc.clientID);
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
  /** The first client writes the item everyone edits; the others wait until they have it. */
  async prepare(createdBy: string): Promise<void> {
    const first = this.clients[0]!;
    if (agreementItems(first.doc).length === 0) addAgreementItem(first.doc, { id: `bench-${this.id}`, createdBy, commitment: "We " });
    const deadline = Date.now() + 30_000;
    while (!this.clients.every((c) => agreementItems(c.doc).length > 0)) {
      if (Date.now() > deadline) throw new Error(`room ${this.id} did not share its item`);
      await new Promise((r) => setTimeout(r, 20));
    }
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
