import * as encoding from "lib0/encoding";
import { describe, expect, it } from "vitest";
import * as syncProtocol from "y-protocols/sync";
import { payloadFrame } from "@/server/rooms/frames";

function lib0Frame(type: number, subType: number | null, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, type);
  if (subType !== null) encoding.writeVarUint(e, subType);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

describe("payloadFrame", () => {
  // Lengths around each varuint boundary, and types that take more than one byte.
  const lengths = [0, 1, 99, 100, 127, 128, 16_383, 16_384, 70_000, 2_097_152];
  it.each(lengths)("writes a %i-byte payload exactly as lib0 does", (length) => {
    const payload = new Uint8Array(length).map((_, i) => (i * 31) & 0xff);
    for (const [type, sub] of [[0, 2], [100, null], [102, null], [300, 0], [1, 200]] as const) {
      // Compared as Buffers: toEqual walks a 2 MB array element by element for half a minute.
      expect(Buffer.from(payloadFrame(type, sub, payload)).equals(lib0Frame(type, sub, payload))).toBe(true);
    }
  });

  it("writes a sync update as y-protocols does", () => {
    const update = Uint8Array.from([1, 2, 3, 4, 5]);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    syncProtocol.writeUpdate(e, update);
    expect(payloadFrame(0, syncProtocol.messageYjsUpdate, update)).toEqual(encoding.toUint8Array(e));
  });
});
