/** A misbehaving client: oversized, malformed and unexpected frames close its own socket only. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as encoding from "lib0/encoding";
import { addAgreementItem, readAgreement } from "@/app/lib/room-doc";
import { CloseCode, MAX_FRAME_BYTES } from "@/app/lib/wire";
import { pairedRoom, waitFor } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";
import { connectY, type YClient } from "../helpers/yjs-client";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
  await server.database.drop();
});

function frame(...parts: Array<(e: encoding.Encoder) => void>): Uint8Array {
  const e = encoding.createEncoder();
  for (const p of parts) p(e);
  return encoding.toUint8Array(e);
}

/** The bystanders keep editing together after the bad client is gone. */
async function stillWorks(ana: YClient, ben: YClient, id: string) {
  addAgreementItem(ana.doc, { id, createdBy: "a", commitment: id });
  await ana.waitSaved();
  await waitFor(() => readAgreement(ben.doc).some((i) => i.id === id), `${id} at Ben`);
}

const cases: Array<[string, Uint8Array | string, number]> = [
  ["an oversized frame (over 1 MiB)", new Uint8Array(MAX_FRAME_BYTES + 1024), CloseCode.tooBig],
  ["a text frame", "hello", CloseCode.malformed],
  ["an empty frame", new Uint8Array(0), CloseCode.malformed],
  ["an unknown message type", frame((e) => encoding.writeVarUint(e, 42)), CloseCode.malformed],
  ["a truncated sync message", new Uint8Array([0]), CloseCode.malformed],
  ["an unknown sync step", frame((e) => encoding.writeVarUint(e, 0), (e) => encoding.writeVarUint(e, 9)), CloseCode.malformed],
  [
    "a sync update that is not a Yjs update",
    frame((e) => encoding.writeVarUint(e, 0), (e) => encoding.writeVarUint(e, 2), (e) => encoding.writeVarUint8Array(e, new Uint8Array([255, 255, 255, 7, 1, 2]))),
    CloseCode.malformed,
  ],
  [
    "an awareness update that is not JSON",
    frame(
      (e) => encoding.writeVarUint(e, 1),
      (e) => encoding.writeVarUint8Array(e, frame((x) => encoding.writeVarUint(x, 1), (x) => encoding.writeVarUint(x, 5), (x) => encoding.writeVarUint(x, 1), (x) => encoding.writeVarString(x, "{nope"))),
    ),
    CloseCode.malformed,
  ],
];

describe("malformed and oversized frames", () => {
  it.each(cases)("%s closes that socket with a clear code; the room goes on", async (_what, payload, code) => {
    const { a, b, roomId } = await pairedRoom(server.url);
    const ana = await connectY(server.url, roomId, a.cookie);
    const ben = await connectY(server.url, roomId, b.cookie);
    addAgreementItem(ana.doc, { id: "before", createdBy: a.id, commitment: "kept" });
    await ana.waitSaved();
    const mallory = await connectY(server.url, roomId, b.cookie);
    mallory.sendRaw(payload);
    const closed = await mallory.closed;
    expect(closed.code).toBe(code);
    await stillWorks(ana, ben, "after");
    expect(readAgreement(ben.doc).map((i) => i.id)).toEqual(["before", "after"]);
    ana.close();
    ben.close();
  });

  it("the server stays up for other rooms and new connections", async () => {
    const res = await fetch(`${server.url}/api/health`);
    expect(res.status).toBe(200);
  });
});

