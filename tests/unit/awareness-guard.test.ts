import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import * as awarenessProtocol from "y-protocols/awareness";
import { colorForUser } from "@/app/lib/awareness";
import { decodeAwarenessUpdate, encodeAwarenessUpdate, sanitizeAwareness } from "@/server/rooms/awareness-guard";

const ana = { id: "u-ana", name: "Ana", role: "partner" as const, color: colorForUser("u-ana") };

function updateFrom(state: Record<string, unknown>) {
  const a = new awarenessProtocol.Awareness(new Y.Doc());
  a.setLocalState(state);
  return { id: a.clientID, bytes: awarenessProtocol.encodeAwarenessUpdate(a, [a.clientID]) };
}

describe("awareness guard", () => {
  it("round-trips the y-protocols encoding", () => {
    const { id, bytes } = updateFrom({ typing: "item-1" });
    const entries = decodeAwarenessUpdate(bytes);
    expect(entries).toEqual([{ clientId: id, clock: 1, state: { typing: "item-1" } }]);
    expect(decodeAwarenessUpdate(encodeAwarenessUpdate(entries))).toEqual(entries);
  });

  it("replaces a claimed identity with the signed-in one", () => {
    const { bytes } = updateFrom({ user: { id: "u-ben", name: "Ben", role: "therapist", color: "#000000" }, typing: null });
    const [entry] = sanitizeAwareness(decodeAwarenessUpdate(bytes), "conn", ana, () => undefined);
    expect(entry!.state!.user).toEqual(ana);
  });

  it("drops states that do not match the presence schema", () => {
    for (const state of [{ html: "<script>" }, { typing: "x".repeat(100) }, { cursor: { itemId: "a", anchor: "nope", head: {} } }]) {
      const { bytes } = updateFrom(state);
      expect(sanitizeAwareness(decodeAwarenessUpdate(bytes), "conn", ana, () => undefined)).toEqual([]);
    }
  });

  it("does not let one connection speak for another's client id", () => {
    const { bytes } = updateFrom({ typing: null });
    expect(sanitizeAwareness(decodeAwarenessUpdate(bytes), "conn-b", ana, () => "conn-a")).toEqual([]);
    expect(sanitizeAwareness(decodeAwarenessUpdate(bytes), "conn-a", ana, () => "conn-a")).toHaveLength(1);
  });

  it("throws on bytes that are not an awareness update", () => {
    expect(() => decodeAwarenessUpdate(new Uint8Array([1, 5, 5]))).toThrow();
    expect(() => decodeAwarenessUpdate(new Uint8Array([200]))).toThrow();
  });
});

describe("awareness ids per connection", () => {
  it("lets a connection claim at most two ids, and not by removing states it never had", async () => {
    const { MAX_IDS_PER_CONNECTION } = await import("@/server/rooms/awareness-guard");
    const entries = [1, 2, 3, 4].map((clientId) => ({ clientId, clock: 1, state: { typing: null } }));
    expect(sanitizeAwareness(entries, "conn", ana, () => undefined, 0).map((e) => e.clientId)).toEqual([1, 2]);
    expect(sanitizeAwareness(entries, "conn", ana, () => undefined, MAX_IDS_PER_CONNECTION)).toEqual([]);
    // ids it already owns keep working
    expect(sanitizeAwareness(entries.slice(0, 1), "conn", ana, () => "conn", MAX_IDS_PER_CONNECTION)).toHaveLength(1);
    expect(sanitizeAwareness([{ clientId: 9, clock: 2, state: null }], "conn", ana, () => undefined, 0)).toEqual([]);
  });
});
