import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { isCoveredBy, isDocSaved } from "@/app/lib/saved-state";

/** A "server" doc standing for what is committed, and a "client" doc editing ahead of it. */
function pair() {
  const server = new Y.Doc();
  const client = new Y.Doc();
  const text = client.getText("t");
  const push = () => Y.applyUpdate(server, Y.encodeStateAsUpdate(client));
  return { server, client, text, push };
}

describe("saved state", () => {
  it("is not saved before the server has said anything", () => {
    expect(isDocSaved(new Y.Doc(), null)).toBe(false);
  });

  it("is saved when the committed state has every insertion", () => {
    const { server, client, text, push } = pair();
    text.insert(0, "hello");
    expect(isDocSaved(client, Y.snapshot(server))).toBe(false);
    push();
    expect(isDocSaved(client, Y.snapshot(server))).toBe(true);
  });

  it("notices a deletion that is not committed yet (it adds no clock)", () => {
    const { server, client, text, push } = pair();
    text.insert(0, "hello world");
    push();
    text.delete(5, 6);
    expect(Y.encodeStateVector(client)).toEqual(Y.encodeStateVector(server));
    expect(isDocSaved(client, Y.snapshot(server))).toBe(false);
    push();
    expect(isDocSaved(client, Y.snapshot(server))).toBe(true);
  });

  it("counts a committed state that is ahead (others' edits) as covering", () => {
    const { server, client, text, push } = pair();
    text.insert(0, "a");
    push();
    server.getText("t").insert(1, "b");
    expect(isDocSaved(client, Y.snapshot(server))).toBe(true);
  });

  it("compares deletion ranges piece by piece", () => {
    const local = Y.snapshot(new Y.Doc());
    const committed = Y.snapshot(new Y.Doc());
    const ranges = (s: Y.Snapshot) => (s.ds as unknown as { clients: Map<number, Array<{ clock: number; len: number }>> }).clients;
    ranges(local).set(1, [{ clock: 2, len: 6 }]);
    ranges(committed).set(1, [{ clock: 0, len: 4 }, { clock: 4, len: 4 }]);
    expect(isCoveredBy(local, committed)).toBe(true);
    ranges(committed).set(1, [{ clock: 0, len: 4 }, { clock: 5, len: 4 }]);
    expect(isCoveredBy(local, committed)).toBe(false);
  });
});
