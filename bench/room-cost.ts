/**
 * What one edit costs inside a live room, without sockets or a database: CPU and allocation
 * per edit of `LiveRoom.receive` (decode, judge, apply, broadcast, queue, commit, "saved"), next
 * to what the relay does with the same edit (apply it to a Y.Doc and frame it for the peer).
 * The full benchmark (`npm run bench`) is where speed is judged; this one shows where a change
 * to the room's own code moves its cost, in seconds instead of minutes, with the allocation
 * sites that feed the garbage collector.
 *
 *   npm run bench:room                     # 1,000 rooms × 2 partners × 40 edits, 3 runs each
 *   npm run bench:room -- --rooms=200 --edits=20 --repeat=1 --sites
 *
 * The room's store is in memory and answers every 20 ms, as a group commit would: the database
 * is not what this measures.
 */
import { Session } from "node:inspector/promises";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { WebSocket } from "ws";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { addAgreementItem, agreementItems, commitmentText } from "@/app/lib/room-doc";
import { MessageType } from "@/app/lib/wire";
import { Connection, LiveRoom } from "@/server/rooms/live-room";
import { Commit, type RoomStore } from "@/server/rooms/room-store";

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k!, v ?? "true"];
  }),
);
const ROOMS = Number(args.rooms ?? 1000);
const EDITS = Number(args.edits ?? 40);
const REPEAT = Number(args.repeat ?? 3);

function syncFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
}

/**
 * The store: what was enqueued is committed together at the next 20 ms tick, each room's row
 * with the next sequence number, like the real store's group commit (one answer per commit).
 */
function memoryStore(): { store: RoomStore; stop(): void } {
  let seq = 0;
  let batch: { rooms: string[]; answer: Promise<Commit>; resolve(commit: Commit): void } | null = null;
  const timer = setInterval(() => {
    if (!batch) return;
    const { rooms, resolve } = batch;
    batch = null;
    resolve(new Commit(new Map(rooms.map((id) => [id, ++seq]))));
  }, 20);
  const enqueue = (roomId: string) => {
    if (!batch) {
      let resolve!: (commit: Commit) => void;
      const answer = new Promise<Commit>((res) => (resolve = res));
      batch = { rooms: [], answer, resolve };
    }
    batch.rooms.push(roomId);
    return batch.answer;
  };
  const store = {
    enqueue,
    compact: async () => ({ rowsBefore: 0, seq }),
    replaceUpTo: async () => true,
    readSince: async () => [],
  } as unknown as RoomStore;
  return { store, stop: () => clearInterval(timer) };
}

/** A socket that is always open and drops what it is sent (the sends are counted). */
function sink(counter: { frames: number }): WebSocket {
  return {
    readyState: 1,
    OPEN: 1,
    CONNECTING: 0,
    send() {
      counter.frames++;
    },
    close() {},
  } as unknown as WebSocket;
}

/**
 * Each room's edits, made in advance by two partners' docs that see each other's keystrokes
 * (the bench's load: one character at a random place in the item's text), as frames.
 */
function script(rooms: number, edits: number): Array<{ setup: Uint8Array; frames: Uint8Array[][] }> {
  const result = [];
  for (let r = 0; r < rooms; r++) {
    const docs = [new Y.Doc(), new Y.Doc()];
    let setup: Uint8Array | null = null;
    docs[0]!.once("update", (u: Uint8Array) => (setup = u));
    addAgreementItem(docs[0]!, { id: `item-${r}`, createdBy: "a", commitment: "We " });
    Y.applyUpdate(docs[1]!, setup!);
    const frames: Uint8Array[][] = [[], []];
    for (let i = 0; i < edits; i++) {
      for (let k = 0; k < 2; k++) {
        let update: Uint8Array | null = null;
        docs[k]!.once("update", (u: Uint8Array) => (update = u));
        const text = commitmentText(agreementItems(docs[k]!).get(0)!);
        text.insert(Math.floor(Math.random() * (text.length + 1)), "abcdefghijklmnopqrstuvwxyz"[i % 26]!);
        Y.applyUpdate(docs[1 - k]!, update!);
        frames[k]!.push(syncFrame(update!));
      }
    }
    result.push({ setup: syncFrame(setup!), frames });
  }
  return result;
}

interface Target {
  /** Takes one frame from partner `k` of room `r`. */
  receive(r: number, k: number, frame: Uint8Array): void;
  close(): Promise<void>;
}

function mendTarget(edits: ReturnType<typeof script>, counter: { frames: number }): Target {
  const { store, stop } = memoryStore();
  const rooms = edits.map((e, r) => {
    const room = new LiveRoom(`room-${r}`, new Y.Doc(), 0, store, { compactionThreshold: 1e9, maxUnsavedBytes: 1e8, onEmpty() {} });
    const conns = [0, 1].map((k) => new Connection(sink(counter), { userId: `u${r}-${k}`, name: "P", role: "partner" }));
    for (const c of conns) room.connections.add(c);
    room.receive(conns[0]!, e.setup);
    return { room, conns };
  });
  return {
    receive: (r, k, frame) => rooms[r]!.room.receive(rooms[r]!.conns[k]!, frame),
    async close() {
      for (const { room, conns } of rooms) for (const c of conns) room.connections.delete(c);
      await Promise.all(rooms.map(({ room }) => room.close()));
      stop();
    },
  };
}

/** What the relay does with an edit: decode the frame, apply it, frame the update for the peer. */
function relayTarget(edits: ReturnType<typeof script>, counter: { frames: number }): Target {
  const rooms = edits.map((e) => {
    const doc = new Y.Doc();
    const peers = [sink(counter), sink(counter)];
    doc.on("update", (update: Uint8Array, origin: unknown) => {
      const msg = syncFrame(update);
      for (const p of peers) if (p !== origin) p.send(msg);
    });
    syncProtocol.readSyncMessage(decodingOf(e.setup), encoding.createEncoder(), doc, null);
    return { doc, peers };
  });
  return {
    receive: (r, k, frame) => {
      const room = rooms[r]!;
      // The relay's reply encoder (nothing is written to it for an update).
      syncProtocol.readSyncMessage(decodingOf(frame), encoding.createEncoder(), room.doc, room.peers[k]);
    },
    async close() {
      for (const { doc } of rooms) doc.destroy();
    },
  };
}

function decodingOf(frame: Uint8Array): decoding.Decoder {
  const d = decoding.createDecoder(frame);
  decoding.readVarUint(d); // message type
  return d;
}

interface Measured {
  cpuUsPerEdit: number;
  kbPerEdit: number | null;
  framesPerEdit: number;
  sites: Array<[string, number]>;
}

async function measure(kind: "mend" | "relay", sampleAllocations: boolean, rooms = ROOMS, perPartner = EDITS): Promise<Measured> {
  const edits = script(rooms, perPartner);
  const counter = { frames: 0 };
  const target = kind === "mend" ? mendTarget(edits, counter) : relayTarget(edits, counter);
  await new Promise((r) => setTimeout(r, 100));
  counter.frames = 0;
  const session = new Session();
  session.connect();
  if (sampleAllocations) {
    // Node's types do not list the two flags yet; V8 takes them (what was collected counts too).
    const sampling = { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true };
    await session.post("HeapProfiler.startSampling", sampling);
  }
  const cpu = process.cpuUsage();
  // Every room gets one edit from each partner per round, in ten slices with a turn of the
  // event loop between them (so commits and their "saved" interleave with edits, as in a server).
  for (let i = 0; i < perPartner; i++) {
    for (let slice = 0; slice < 10; slice++) {
      for (let r = slice; r < rooms; r += 10) for (let k = 0; k < 2; k++) target.receive(r, k, edits[r]!.frames[k]![i]!);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await new Promise((resolve) => setTimeout(resolve, 60)); // the last commits and their "saved"
  const used = process.cpuUsage(cpu);
  const count = rooms * perPartner * 2;
  let kbPerEdit: number | null = null;
  const sites = new Map<string, number>();
  if (sampleAllocations) {
    const { profile } = (await session.post("HeapProfiler.stopSampling")) as { profile: { head: SampleNode } };
    let total = 0;
    const walk = (node: SampleNode) => {
      total += node.selfSize;
      const f = node.callFrame;
      const site = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}`;
      sites.set(site, (sites.get(site) ?? 0) + node.selfSize);
      node.children.forEach(walk);
    };
    walk(profile.head);
    kbPerEdit = total / count / 1024;
  }
  session.disconnect();
  await target.close();
  return {
    cpuUsPerEdit: (used.user + used.system) / count,
    kbPerEdit,
    framesPerEdit: counter.frames / count,
    sites: [...sites].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([site, bytes]) => [site, bytes / count]),
  };
}

interface SampleNode {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: SampleNode[];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

console.log(`room cost: ${ROOMS} rooms × 2 partners × ${EDITS} edits, ${REPEAT} run(s) each, alternating; CPU of this one process`);
// Warm-up, not counted: the first edits of a process pay for compiling the code.
await measure("relay", false, 100, 20);
await measure("mend", false, 100, 20);
const runs: Record<"mend" | "relay", Measured[]> = { mend: [], relay: [] };
for (let i = 0; i < REPEAT; i++) {
  for (const kind of i % 2 === 0 ? (["relay", "mend"] as const) : (["mend", "relay"] as const)) {
    const m = await measure(kind, false);
    runs[kind].push(m);
    console.log(`  ${kind.padEnd(5)} ${m.cpuUsPerEdit.toFixed(1).padStart(6)} µs CPU an edit, ${m.framesPerEdit.toFixed(2)} frames sent an edit`);
  }
}
const mendCpu = median(runs.mend.map((m) => m.cpuUsPerEdit));
const relayCpu = median(runs.relay.map((m) => m.cpuUsPerEdit));
const allocation = { mend: await measure("mend", true), relay: await measure("relay", true) };
console.log(
  `median: Mend ${mendCpu.toFixed(1)} µs an edit, the relay ${relayCpu.toFixed(1)} (${(mendCpu / relayCpu).toFixed(1)}×); ` +
    `allocated: Mend ${allocation.mend.kbPerEdit!.toFixed(1)} KB an edit, the relay ${allocation.relay.kbPerEdit!.toFixed(1)} KB`,
);
if (args.sites) {
  console.log("Mend's largest allocation sites (bytes an edit, sampled, including what was collected):");
  for (const [site, bytes] of allocation.mend.sites) console.log(`  ${bytes.toFixed(0).padStart(6)}  ${site}`);
}
process.exit(0);
