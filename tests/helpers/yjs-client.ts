/**
 * A Node client for the Yjs endpoint that speaks the wire protocol itself (sync, awareness and
 * Mend's saved/notice messages), so tests can play both a well-behaved peer and a hostile one
 * (`sendRaw`).
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import WebSocket from "ws";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { UnsavedWords } from "@/app/lib/saved-state";
import { MessageType, type Notice, type PresentMember } from "@/app/lib/wire";
import { waitFor } from "./http";

const REMOTE = Symbol("remote");

export interface YClient {
  doc: Y.Doc;
  awareness: awarenessProtocol.Awareness;
  ws: WebSocket;
  notices: Notice[];
  /** The latest list of who has the room open, as the server says (message type 102). */
  presence(): PresentMember[] | null;
  /** Every frame received, as received (for tests that look for what must never be sent). */
  frames: Uint8Array[];
  committed(): Y.Snapshot | null;
  synced(): boolean;
  /** Resolves when everything written into this doc (not received from the server) is committed. */
  waitSaved(timeoutMs?: number): Promise<void>;
  sendRaw(data: Uint8Array | string): void;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export function yjsUrl(base: string, roomId: string): string {
  return `${base.replace(/^http/, "ws")}/yjs/${roomId}`;
}

/** Upgrade refused: resolves the HTTP status; accepted: rejects. */
export function expectUpgradeRefused(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on("open", () => {
      ws.close();
      reject(new Error("upgrade was accepted"));
    });
    ws.on("error", () => {});
  });
}

/** A doc carried to a new connection (a reconnect) still waits for the words written into it. */
const unsavedOf = new WeakMap<Y.Doc, UnsavedWords>();

export async function connectY(base: string, roomId: string, cookie: string, doc = new Y.Doc()): Promise<YClient> {
  const ws = new WebSocket(yjsUrl(base, roomId), { headers: { cookie } });
  ws.binaryType = "nodebuffer";
  const awareness = new awarenessProtocol.Awareness(doc);
  const notices: Notice[] = [];
  const frames: Uint8Array[] = [];
  let presence: PresentMember[] | null = null;
  let committed: Y.Snapshot | null = null;
  let synced = false;
  const unsaved = unsavedOf.get(doc) ?? new UnsavedWords(doc, (origin) => origin === REMOTE);
  unsavedOf.set(doc, unsaved);

  const send = (bytes: Uint8Array) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(bytes);
  };
  doc.on("update", (update: Uint8Array, origin: unknown) => {
    if (origin === REMOTE) return;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MessageType.sync);
    syncProtocol.writeUpdate(e, update);
    send(encoding.toUint8Array(e));
  });
  awareness.on("update", ({ added, updated, removed }: Record<string, number[]>, origin: unknown) => {
    if (origin === REMOTE) return;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MessageType.awareness);
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, added!.concat(updated!, removed!)));
    send(encoding.toUint8Array(e));
  });

  ws.on("message", (data: Buffer) => {
    frames.push(new Uint8Array(data));
    const decoder = decoding.createDecoder(new Uint8Array(data));
    const type = decoding.readVarUint(decoder);
    if (type === MessageType.sync) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MessageType.sync);
      const sub = syncProtocol.readSyncMessage(decoder, encoder, doc, REMOTE);
      if (sub === syncProtocol.messageYjsSyncStep2) synced = true;
      if (encoding.length(encoder) > 1) send(encoding.toUint8Array(encoder));
    } else if (type === MessageType.awareness) {
      awarenessProtocol.applyAwarenessUpdate(awareness, decoding.readVarUint8Array(decoder), REMOTE);
    } else if (type === MessageType.saved) {
      committed = Y.decodeSnapshot(decoding.readVarUint8Array(decoder));
    } else if (type === MessageType.notice) {
      notices.push(JSON.parse(decoding.readVarString(decoder)) as Notice);
    } else if (type === MessageType.presence) {
      presence = JSON.parse(decoding.readVarString(decoder)) as PresentMember[];
    }
  });

  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once("error", reject);
  });
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  syncProtocol.writeSyncStep1(e, doc);
  send(encoding.toUint8Array(e));

  const client: YClient = {
    doc,
    awareness,
    ws,
    notices,
    presence: () => presence,
    frames,
    committed: () => committed,
    synced: () => synced,
    waitSaved: (timeoutMs = 10_000) => waitFor(() => unsaved.savedIn(committed), "saved", timeoutMs).then(() => {}),
    sendRaw: (data) => ws.send(data),
    closed,
    close: () => {
      awareness.destroy();
      ws.close();
    },
  };
  await waitFor(() => synced, "initial sync");
  return client;
}

/** What of `saved` (a snapshot a client was told was saved) is not in `doc`: insertions and deletions. */
export function missingFrom(doc: Y.Doc, saved: Y.Snapshot): string[] {
  const missing: string[] = [];
  for (const [client, clock] of saved.sv) {
    const have = Y.getState(doc.store, client);
    if (have < clock) missing.push(`client ${client}: ${have} < ${clock}`);
  }
  const deleted = Y.createDeleteSetFromStructStore(doc.store);
  for (const [client, ranges] of saved.ds.clients) {
    for (const { clock, len } of ranges) {
      for (let c = clock; c < clock + len; c++) {
        if (!Y.isDeleted(deleted, Y.createID(client, c))) {
          missing.push(`deletion ${client}:${c}`);
          break;
        }
      }
    }
  }
  return missing;
}
