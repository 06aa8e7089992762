import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { DocSnapshots } from "@/server/rooms/doc-snapshot";

/** A small deterministic generator, so a failure can be replayed from its seed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const expected = (doc: Y.Doc) => Buffer.from(Y.encodeSnapshot(Y.snapshot(doc)));

describe("DocSnapshots", () => {
  it("encodes the same bytes as Y.snapshot through inserts, deletes and overwrites", () => {
    const doc = new Y.Doc();
    const snapshots = new DocSnapshots(doc);
    const text = doc.getText("t");
    const map = doc.getMap("m");
    expect(Buffer.from(snapshots.encode())).toEqual(expected(doc));
    text.insert(0, "hello world");
    expect(Buffer.from(snapshots.encode())).toEqual(expected(doc));
    text.delete(2, 3);
    expect(Buffer.from(snapshots.encode())).toEqual(expected(doc));
    map.set("k", 1);
    map.set("k", 2); // the first value is deleted
    expect(Buffer.from(snapshots.encode())).toEqual(expected(doc));
  });

  it("sees deletions no transaction deleted: collected content another client sends, and inserts into deleted items", () => {
    const server = new Y.Doc();
    const snapshots = new DocSnapshots(server);
    const ana = new Y.Doc();
    const ben = new Y.Doc();
    const items = (d: Y.Doc) => d.getArray<Y.Map<unknown>>("items");
    const sync = (from: Y.Doc, to: Y.Doc) => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
    // Ana writes an item and deletes it before the server hears of either: she sends collected structs.
    const item = new Y.Map<unknown>();
    items(ana).push([item]);
    item.set("text", new Y.Text("gone before it arrived"));
    items(ana).delete(0, 1);
    expect(snapshots.encode()).toBeDefined(); // the delete set is cached from here
    sync(ana, server);
    expect(Buffer.from(snapshots.encode())).toEqual(expected(server));
    // Ben types into an item the server has meanwhile deleted.
    const kept = new Y.Map<unknown>();
    kept.set("text", new Y.Text("x"));
    items(server).push([kept]);
    sync(server, ben);
    items(server).delete(0, items(server).length);
    expect(Buffer.from(snapshots.encode())).toEqual(expected(server));
    (items(ben).get(items(ben).length - 1)!.get("text") as Y.Text).insert(1, "yz");
    sync(ben, server);
    expect(Buffer.from(snapshots.encode())).toEqual(expected(server));
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])("matches Y.snapshot after every update of a random session (seed %i)", (seed) => {
    const next = random(seed);
    const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)]!;
    // Fixed client ids: the session replays exactly from its seed.
    const server = new Y.Doc();
    server.clientID = 1;
    const snapshots = new DocSnapshots(server);
    const clients = [2, 3, 4].map((id) => {
      const doc = new Y.Doc();
      doc.clientID = id;
      return doc;
    });
    for (let step = 0; step < 300; step++) {
      const client = pick(clients);
      const items = client.getArray<Y.Map<unknown>>("items");
      const r = next();
      if (r < 0.25 || items.length === 0) {
        const item = new Y.Map<unknown>();
        items.insert(Math.floor(next() * (items.length + 1)), [item]);
        item.set("text", new Y.Text("abc"));
      } else if (r < 0.55) {
        const text = items.get(Math.floor(next() * items.length))!.get("text") as Y.Text | undefined;
        if (text) text.insert(Math.floor(next() * (text.length + 1)), "q");
      } else if (r < 0.7) {
        const text = items.get(Math.floor(next() * items.length))!.get("text") as Y.Text | undefined;
        if (text && text.length > 0) text.delete(Math.floor(next() * text.length), 1);
      } else if (r < 0.8) {
        items.get(Math.floor(next() * items.length))!.set("done", next() < 0.5);
      } else if (r < 0.9) {
        items.delete(Math.floor(next() * items.length), 1);
      }
      // Clients reach the server, and hear from it, at random: some write into what others deleted.
      for (const c of clients) {
        if (next() < 0.4) {
          Y.applyUpdate(server, Y.encodeStateAsUpdate(c, Y.encodeStateVector(server)));
          expect(Buffer.from(snapshots.encode())).toEqual(expected(server));
        }
        if (next() < 0.3) Y.applyUpdate(c, Y.encodeStateAsUpdate(server, Y.encodeStateVector(c)));
      }
    }
  });
});
