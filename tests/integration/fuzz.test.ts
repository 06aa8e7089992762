/**
 * A seeded fuzzer: while two well-behaved partners edit, a hostile member sends malformed and
 * random Yjs frames (random bytes, truncations, bit-flipped real updates, oversized frames),
 * socket.io events with wrong types and huge payloads, and drops connections at random. The
 * server stays up, another room is untouched, and the well-behaved peers end with equal
 * documents. FUZZ_SEED=<n> replays a run; the seed is in the test's name.
 */
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addAgreementItem, commitmentText, findAgreementItem, readAgreement } from "@/app/lib/room-doc";
import { MessageType } from "@/app/lib/wire";
import { api, pairedRoom, waitFor } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";
import { command, connectSocket } from "../helpers/socket";
import { connectY, type YClient } from "../helpers/yjs-client";
import { prng } from "../helpers/prng";

const SEED = Number(process.env.FUZZ_SEED ?? 20261125);
const STEPS = 400;

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
  await server.database.drop();
});

function updateFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
}

describe(`fuzzing (seed ${SEED})`, () => {
  it("malformed frames, wrong events and random disconnects never take the server or the honest peers down", async () => {
    const random = prng(SEED);
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));

    const { a, b, roomId } = await pairedRoom(server.url);
    const quiet = await pairedRoom(server.url, "Untouched");
    const quietAna = await connectY(server.url, quiet.roomId, quiet.a.cookie);
    addAgreementItem(quietAna.doc, { id: "q", createdBy: quiet.a.id, commitment: "Nothing happens here." });
    await quietAna.waitSaved();

    const [ana, ben] = await Promise.all([connectY(server.url, roomId, a.cookie), connectY(server.url, roomId, b.cookie)]);
    addAgreementItem(ana.doc, { id: "item-1", createdBy: a.id, commitment: "" });
    await waitFor(() => findAgreementItem(ben.doc, "item-1"), "item at Ben");

    // Real updates to mutate: what a client would send for a few edits.
    const samples: Uint8Array[] = [];
    const scratch = new Y.Doc();
    scratch.on("update", (u: Uint8Array) => samples.push(u));
    addAgreementItem(scratch, { id: "s", createdBy: b.id, commitment: "sample" });
    commitmentText(findAgreementItem(scratch, "s")!.item).insert(0, "more ");

    let attacker: YClient | null = null;
    let attackerSocket = await connectSocket(server.url, b.cookie);
    const events = ["room:join", "exercise:act", "agreement:consent", "agreement:comment", "agenda:remove", "agreement:sign", "nonsense"];
    const payloads = (): unknown[] => [
      null,
      42,
      "text",
      [],
      { roomId },
      { roomId: "x".repeat(100_000) },
      { roomId, event: { type: pick(["propose", "pass", "grab"]), minutes: random() * 1e9 } },
      { roomId, itemId: bytes(20).join(","), hash: "z".repeat(64) },
      { roomId, text: "y".repeat(100_000) },
    ];

    for (let step = 0; step < STEPS; step++) {
      // The honest peers keep typing.
      const writer = random() < 0.5 ? ana : ben;
      const item = findAgreementItem(writer.doc, "item-1");
      if (item && commitmentText(item.item).length < 3_000) commitmentText(item.item).insert(0, pick(["a", "b", "c", " "]));

      if (!attacker || attacker.ws.readyState !== attacker.ws.OPEN) attacker = await connectY(server.url, roomId, b.cookie).catch(() => null);
      const action = random();
      if (!attacker) continue;
      if (action < 0.2) attacker.sendRaw(bytes(1 + Math.floor(random() * 64)));
      else if (action < 0.35) {
        const frame = updateFrame(pick(samples));
        attacker.sendRaw(frame.slice(0, Math.max(1, Math.floor(random() * frame.length))));
      } else if (action < 0.5) {
        const frame = updateFrame(pick(samples));
        frame[1 + Math.floor(random() * (frame.length - 1))]! ^= 1 << Math.floor(random() * 8);
        attacker.sendRaw(frame);
      } else if (action < 0.55) attacker.sendRaw("a text frame");
      else if (action < 0.6) attacker.sendRaw(new Uint8Array(1024 * 1024 + 10));
      else if (action < 0.85) {
        // A payload over the frame limit closes the socket: come back with a new one.
        if (!attackerSocket.connected) attackerSocket = await connectSocket(server.url, b.cookie);
        if (random() < 0.02) attackerSocket.emit("room:join", { roomId, junk: "z".repeat(1024 * 1024 + 10) }, () => {});
        else void command(attackerSocket, pick(events), pick(payloads())).catch(() => {});
      } else if (action < 0.95) attacker.ws.terminate();
      else attacker.sendRaw(new Uint8Array([MessageType.awareness, ...bytes(8)]));
      if (step % 25 === 0) await new Promise((r) => setTimeout(r, 20));
    }
    attacker?.close();
    attackerSocket.close();

    // Still up, and the honest peers converge on the same document.
    expect((await api(server.url, "GET", "/api/health")).status).toBe(200);
    await ana.waitSaved(20_000);
    await ben.waitSaved(20_000);
    await waitFor(() => JSON.stringify(ana.doc.toJSON()) === JSON.stringify(ben.doc.toJSON()), "Ana and Ben converge", 20_000);
    const late = await connectY(server.url, roomId, a.cookie);
    expect(JSON.stringify(readAgreement(late.doc))).toBe(JSON.stringify(readAgreement(ana.doc)));
    // The other room never noticed.
    const quietAgain = await connectY(server.url, quiet.roomId, quiet.b.cookie);
    expect(readAgreement(quietAgain.doc)).toMatchObject([{ id: "q", commitment: "Nothing happens here." }]);
    for (const c of [ana, ben, late, quietAna, quietAgain]) c.close();
  });
});
