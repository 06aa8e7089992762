import { describe, expect, it } from "vitest";
import { type ClusterMessage, decodeClusterMessage, encodeClusterMessage } from "@/server/cluster/messages";

const examples: ClusterMessage[] = [
  { kind: "update", node: "n1", seq: 42, update: new Uint8Array([1, 2, 3]), owners: [[7, "ana"], [4294967295, "ben"]] },
  { kind: "awareness", node: "n2", update: new Uint8Array([0]), owners: [] },
  { kind: "presence", node: "n1", members: [{ userId: "ana", name: "Ana", role: "partner" }] },
  { kind: "presence", node: "n1", members: [] },
  { kind: "disconnect", node: "n3", userId: "tess", code: 4403, reason: "Your access to this room has ended." },
  { kind: "hello", node: "n4" },
];

describe("cluster messages", () => {
  it.each(examples.map((m) => [m.kind, m] as const))("%s survives a round trip", (_kind, m) => {
    expect(decodeClusterMessage(encodeClusterMessage(m))).toEqual(m);
  });

  it("refuses what does not parse: unknown kinds, cut-off and trailing bytes, bad presence", () => {
    const ok = encodeClusterMessage(examples[0]!);
    expect(() => decodeClusterMessage(new Uint8Array([9, 0]))).toThrow();
    expect(() => decodeClusterMessage(ok.slice(0, ok.length - 2))).toThrow();
    expect(() => decodeClusterMessage(new Uint8Array([...ok, 0]))).toThrow(/trailing/);
    const bad = encodeClusterMessage({ kind: "presence", node: "n", members: [{ userId: "x", name: "X", role: "admin" as "partner" }] });
    expect(() => decodeClusterMessage(bad)).toThrow(/presence/);
  });

  it("keeps only the fields a presence entry has", () => {
    const extra = encodeClusterMessage({ kind: "presence", node: "n", members: [{ userId: "x", name: "X", role: "therapist", secret: "no" } as never] });
    expect(decodeClusterMessage(extra)).toEqual({ kind: "presence", node: "n", members: [{ userId: "x", name: "X", role: "therapist" }] });
  });
});
