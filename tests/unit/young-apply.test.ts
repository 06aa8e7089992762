import { expect, it } from "vitest";
import * as Y from "yjs";
import { applyUpdateYoung } from "@/server/rooms/young-apply";

function edit(fn: (doc: Y.Doc) => void): { doc: Y.Doc; update: Uint8Array } {
  const doc = new Y.Doc();
  let update: Uint8Array = new Uint8Array();
  doc.on("update", (u: Uint8Array) => (update = u));
  fn(doc);
  return { doc, update };
}

it("applies an update with its origin, the transaction going into a new cleanup array, not the one the doc held", () => {
  const { update } = edit((d) => d.getText("t").insert(0, "hello"));
  const target = new Y.Doc();
  const origins: unknown[] = [];
  target.on("update", (_u: Uint8Array, origin: unknown) => origins.push(origin));
  const before = (target as unknown as { _transactionCleanups: unknown[] })._transactionCleanups;
  applyUpdateYoung(target, update, "peer");
  expect(target.getText("t").toString()).toBe("hello");
  expect(origins).toEqual(["peer"]);
  // Plain Y.applyUpdate would have pushed the transaction into `before` (an array that may be
  // old by now: see young-apply.ts).
  expect(before).toHaveLength(0);
});

it("inside an open transaction it leaves Yjs's bookkeeping alone: observers still run once, at the end", () => {
  const source = new Y.Doc();
  const updates: Uint8Array[] = [];
  source.on("update", (u: Uint8Array) => updates.push(u));
  source.getText("t").insert(0, "ab");
  source.getText("t").insert(2, "cd");
  const target = new Y.Doc();
  let events = 0;
  target.getText("t").observe(() => events++);
  target.transact(() => {
    for (const u of updates) applyUpdateYoung(target, u, null);
    expect(events).toBe(0);
  });
  expect(events).toBe(1);
  expect(target.getText("t").toString()).toBe("abcd");
});

it("an update applied from an observer, while Yjs is cleaning up, waits its turn as Yjs intends", () => {
  const first = edit((d) => d.getText("t").insert(0, "a"));
  const second = edit((d) => d.getArray("list").insert(0, [1]));
  const target = new Y.Doc();
  const order: string[] = [];
  target.getText("t").observe(() => {
    order.push("text: start");
    applyUpdateYoung(target, second.update, null);
    order.push("text: end");
  });
  target.getArray("list").observe(() => order.push("list"));
  applyUpdateYoung(target, first.update, null);
  // The nested transaction is cleaned up after the one that started it, not inside it.
  expect(order).toEqual(["text: start", "text: end", "list"]);
  expect(target.getArray("list").toArray()).toEqual([1]);
});
