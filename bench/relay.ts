/**
 * The reference for the benchmark: a minimal in-memory y-websocket relay, the classic reference
 * server's behaviour and nothing more (sync + awareness; no auth, no persistence, no policy).
 * Mend must be faster than this while doing far more. Run: node --import tsx bench/relay.ts
 * (prints "relay listening on <port>"; PORT=0 picks a free port).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { WebSocketServer, type WebSocket } from "ws";
import * as awarenessProtocol from "y-protocols/awareness";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";

interface Room {
  doc: Y.Doc;
  awareness: awarenessProtocol.Awareness;
  conns: Map<WebSocket, Set<number>>;
}

const rooms = new Map<string, Room>();

function frame(type: number, write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, type);
  write(e);
  return encoding.toUint8Array(e);
}

function room(name: string): Room {
  const r = rooms.get(name);
  if (r) return r;
  const doc = new Y.Doc();
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState(null);
  const created: Room = { doc, awareness, conns: new Map() };
  doc.on("update", (update: Uint8Array, origin: unknown) => {
    const msg = frame(0, (e) => syncProtocol.writeUpdate(e, update));
    for (const ws of created.conns.keys()) if (ws !== origin && ws.readyState === ws.OPEN) ws.send(msg);
  });
  awareness.on("update", ({ added, updated, removed }: Record<string, number[]>, origin: unknown) => {
    const changed = added!.concat(updated!, removed!);
    const ids = origin ? created.conns.get(origin as WebSocket) : undefined;
    if (ids) {
      for (const id of added!) ids.add(id);
      for (const id of removed!) ids.delete(id);
    }
    const msg = frame(1, (e) => encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, changed)));
    for (const ws of created.conns.keys()) if (ws.readyState === ws.OPEN) ws.send(msg);
  });
  rooms.set(name, created);
  return created;
}

const server = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server });
wss.on("connection", (ws, req) => {
  const r = room((req.url ?? "/").slice(1).split("?")[0]!);
  r.conns.set(ws, new Set());
  ws.binaryType = "nodebuffer";
  ws.on("message", (data: Buffer) => {
    try {
      const decoder = decoding.createDecoder(new Uint8Array(data));
      const type = decoding.readVarUint(decoder);
      if (type === 0) {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, 0);
        syncProtocol.readSyncMessage(decoder, encoder, r.doc, ws);
        if (encoding.length(encoder) > 1) ws.send(encoding.toUint8Array(encoder));
      } else if (type === 1) {
        awarenessProtocol.applyAwarenessUpdate(r.awareness, decoding.readVarUint8Array(decoder), ws);
      }
    } catch {
      ws.close();
    }
  });
  ws.on("close", () => {
    const ids = r.conns.get(ws);
    r.conns.delete(ws);
    if (ids) awarenessProtocol.removeAwarenessStates(r.awareness, [...ids], null);
  });
  ws.send(frame(0, (e) => syncProtocol.writeSyncStep1(e, r.doc)));
});

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`relay listening on ${(server.address() as AddressInfo).port}`);
});
process.on("SIGTERM", () => process.exit(0));
