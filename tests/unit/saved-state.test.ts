import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { isCoveredBy, UnsavedWords } from "@/app/lib/saved-state";

const SERVER = Symbol("server");

/** A "server" doc standing for what is committed, and a "client" doc writing ahead of it. */
function pair() {
  const server = new Y.Doc();
  const client = new Y.Doc();
  const text = client.getText("t");
  const unsaved = new UnsavedWords(client, (origin) => origin === SERVER);
  const push = () => Y.applyUpdate(server, Y.encodeStateAsUpdate(client));
  /** The server's doc gets words from someone else, and the client receives them. */
  const partnerWrites = (at: number, words: string) => {
    const partner = new Y.Doc();
    Y.applyUpdate(partner, Y.encodeStateAsUpdate(server));
    partner.getText("t").insert(at, words);
    const update = Y.encodeStateAsUpdate(partner, Y.encodeStateVector(server));
    Y.applyUpdate(server, update);
    Y.applyUpdate(client, update, SERVER);
  };
  return { server, client, text, unsaved, push, partnerWrites };
}

describe("saved state", () => {
  it("is not saved before the server has said anything", () => {
    const { unsaved } = pair();
    expect(unsaved.savedIn(null)).toBe(false);
  });

  it("is saved when the committed state has every insertion written here", () => {
    const { server, text, unsaved, push } = pair();
    text.insert(0, "hello");
    expect(unsaved.savedIn(Y.snapshot(server))).toBe(false);
    push();
    expect(unsaved.savedIn(Y.snapshot(server))).toBe(true);
  });

  it("notices a deletion that is not committed yet (it adds no clock)", () => {
    const { server, client, text, unsaved, push } = pair();
    text.insert(0, "hello world");
    push();
    expect(unsaved.savedIn(Y.snapshot(server))).toBe(true);
    text.delete(5, 6);
    expect(Y.encodeStateVector(client)).toEqual(Y.encodeStateVector(server));
    expect(unsaved.savedIn(Y.snapshot(server))).toBe(false);
    push();
    expect(unsaved.savedIn(Y.snapshot(server))).toBe(true);
  });

  it("a partner's words arriving from the server, not committed yet, leave this person's words saved", () => {
    const { server, text, unsaved, push, partnerWrites } = pair();
    text.insert(0, "mine");
    push();
    const committed = Y.snapshot(server);
    partnerWrites(4, " and theirs");
    expect(text.toString()).toBe("mine and theirs");
    expect(unsaved.savedIn(committed)).toBe(true);
  });

  it("deleting a partner's words is this person's change, and waits to be committed", () => {
    const { server, text, unsaved, partnerWrites } = pair();
    partnerWrites(0, "their words");
    const before = Y.snapshot(server);
    expect(unsaved.savedIn(before)).toBe(true);
    text.delete(0, 6);
    expect(unsaved.savedIn(before)).toBe(false);
    Y.applyUpdate(server, Y.encodeStateAsUpdate(text.doc!));
    expect(unsaved.savedIn(Y.snapshot(server))).toBe(true);
  });

  it("words written before the server's last word still wait for a later one that covers them", () => {
    const { server, text, unsaved, push } = pair();
    text.insert(0, "a");
    push();
    const first = Y.snapshot(server);
    text.insert(1, "b");
    expect(unsaved.savedIn(first)).toBe(false);
    expect(unsaved.savedIn(first), "asked again, still not").toBe(false);
    push();
    expect(unsaved.savedIn(Y.snapshot(server))).toBe(true);
  });

  it("words restored into the doc (not from the server) count as this person's", () => {
    const { server, client, unsaved } = pair();
    const offline = new Y.Doc();
    offline.getText("t").insert(0, "kept in the browser");
    Y.applyUpdate(client, Y.encodeStateAsUpdate(offline), Symbol("restored"));
    expect(unsaved.savedIn(Y.snapshot(server))).toBe(false);
    Y.applyUpdate(server, Y.encodeStateAsUpdate(client));
    expect(unsaved.savedIn(Y.snapshot(server))).toBe(true);
  });

  it("stops listening when destroyed", () => {
    const { server, text, unsaved } = pair();
    unsaved.destroy();
    text.insert(0, "after");
    expect(unsaved.savedIn(Y.snapshot(server))).toBe(true);
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
