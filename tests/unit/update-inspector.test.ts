import * as encoding from "lib0/encoding";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { addAgreementItem, agreementItems, commitmentText, findAgreementItem, meta } from "@/app/lib/room-doc";
import { inspectUpdate } from "@/server/rooms/update-inspector";
import { circularUpdate } from "../helpers/crafted-updates";

/** A server doc with one item, and a client doc in sync with it. */
function room() {
  const server = new Y.Doc();
  addAgreementItem(server, { id: "item-1", createdBy: "ana", commitment: "We talk." });
  meta(server).set("schemaVersion", 1);
  const client = new Y.Doc();
  Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
  return { server, client };
}

/** What `change` on the client sends to the server. */
function updateOf(client: Y.Doc, change: () => void): Uint8Array {
  const before = Y.encodeStateVector(client);
  change();
  return Y.encodeStateAsUpdate(client, before);
}

describe("inspectUpdate", () => {
  it("finds typing in a commitment, with its item", () => {
    const { server, client } = room();
    const u = updateOf(client, () => commitmentText(findAgreementItem(client, "item-1")!.item).insert(7, " daily"));
    expect(inspectUpdate(server, u)).toMatchObject({
      ok: true,
      clients: new Set([client.clientID]),
      changes: [{ op: "insert", section: "agreementItems", path: ["commitment"], itemId: "item-1", topLevel: false }],
    });
  });

  it("finds deletions of existing text and of a whole item", () => {
    const { server, client } = room();
    const text = updateOf(client, () => commitmentText(findAgreementItem(client, "item-1")!.item).delete(0, 3));
    expect(inspectUpdate(server, text)).toMatchObject({
      ok: true,
      changes: [{ op: "delete", section: "agreementItems", path: ["commitment"], itemId: "item-1", topLevel: false }],
    });
    const { server: s2, client: c2 } = room();
    const whole = updateOf(c2, () => agreementItems(c2).delete(0, 1));
    const result = inspectUpdate(s2, whole);
    expect(result.ok && result.changes).toContainEqual({ op: "delete", section: "agreementItems", path: [], itemId: "item-1", topLevel: true });
  });

  it("gives nested map keys as a path (a partner's need statement)", () => {
    const { server, client } = room();
    const u = updateOf(client, () => {
      const needs = findAgreementItem(client, "item-1")!.item.get("needs") as Y.Map<Y.Text>;
      needs.set("ben", new Y.Text("I need this because…"));
    });
    const result = inspectUpdate(server, u);
    expect(result.ok && result.changes).toEqual([
      { op: "insert", section: "agreementItems", path: ["needs", "ben"], itemId: "item-1", topLevel: false },
      { op: "insert", section: "agreementItems", path: ["needs", "ben"], itemId: "item-1", topLevel: false },
    ]);
  });

  it("marks a new item's contents as belonging to no existing item, even next to one", () => {
    const { server, client } = room();
    const u = updateOf(client, () => addAgreementItem(client, { id: "item-2", createdBy: "ben", commitment: "x" }));
    const result = inspectUpdate(server, u);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.changes.length).toBeGreaterThan(0);
      for (const c of result.changes) expect(c).toMatchObject({ op: "insert", section: "agreementItems", itemId: null });
    }
  });

  it("names other sections, including ones no schema knows", () => {
    const { server, client } = room();
    const overwrite = inspectUpdate(server, updateOf(client, () => meta(client).set("schemaVersion", 99)));
    // a new value for a key, and the old value deleted
    expect(overwrite.ok && overwrite.changes).toEqual([
      { op: "insert", section: "meta", path: ["schemaVersion"], itemId: null, topLevel: true },
      { op: "delete", section: "meta", path: ["schemaVersion"], itemId: null, topLevel: true },
    ]);
    const other = room();
    const status = inspectUpdate(other.server, updateOf(other.client, () => other.client.getMap("agreementStatus").set("item-1", "agreed")));
    expect(status.ok && status.changes).toEqual([{ op: "insert", section: "agreementStatus", path: ["item-1"], itemId: null, topLevel: true }]);
  });

  it("refuses an update whose parent the room does not have", () => {
    const { server, client } = room();
    updateOf(client, () => addAgreementItem(client, { id: "hidden", createdBy: "ben" })); // never sent
    const u = updateOf(client, () => commitmentText(findAgreementItem(client, "hidden")!.item).insert(0, "orphan"));
    expect(inspectUpdate(server, u)).toEqual({ ok: false, reason: expect.any(String) });
  });

  it("ignores what the room already has: a reconnecting client's full state is no change", () => {
    const { server, client } = room();
    Y.applyUpdate(server, updateOf(client, () => commitmentText(findAgreementItem(client, "item-1")!.item).delete(0, 2)));
    // sync step 2 after a reconnect: everything the server lacks (nothing) plus the whole delete set
    const step2 = Y.encodeStateAsUpdate(client, Y.encodeStateVector(server));
    expect(inspectUpdate(server, step2)).toMatchObject({ ok: true, changes: [], clients: new Set(), growth: [] });
  });

  it("treats edits inside content deleted meanwhile as having no effect", () => {
    const { server, client } = room();
    const del = new Y.Doc();
    Y.applyUpdate(del, Y.encodeStateAsUpdate(server));
    Y.applyUpdate(server, updateOf(del, () => agreementItems(del).delete(0, 1))); // the server GCs the text
    const typing = updateOf(client, () => commitmentText(findAgreementItem(client, "item-1")!.item).insert(0, "late "));
    expect(inspectUpdate(server, typing)).toMatchObject({ ok: true, changes: [], clients: new Set([client.clientID]), growth: [] });
  });

  it("throws on bytes that are not an update (the caller closes the connection)", () => {
    const { server } = room();
    expect(() => inspectUpdate(server, new Uint8Array([255, 255, 255, 7, 1, 2]))).toThrow();
  });
});

describe("growth", () => {
  it("says how much an update adds to each text and to the list of items", () => {
    const { server, client } = room();
    const u = updateOf(client, () => {
      commitmentText(findAgreementItem(client, "item-1")!.item).insert(0, "12345");
      addAgreementItem(client, { id: "item-2", createdBy: "ben", commitment: "abc" });
    });
    const result = inspectUpdate(server, u);
    if (!result.ok) throw new Error(result.reason);
    const commitment = commitmentText(findAgreementItem(server, "item-1")!.item);
    expect(result.growth).toContainEqual({ section: "agreementItems", path: ["commitment"], type: commitment, added: 5 });
    expect(result.growth).toContainEqual({ section: "agreementItems", path: [], type: agreementItems(server), added: 1 });
    // the new item's own text is new in this update
    expect(result.growth).toContainEqual(expect.objectContaining({ path: ["commitment"], type: null, added: 3 }));
  });
});

describe("hostile shapes", () => {
  it("structs whose neighbours point at each other in a circle are refused, not followed for ever", () => {
    const { server, client } = room();
    const text = commitmentText(findAgreementItem(client, "item-1")!.item);
    const u = updateOf(client, () => {
      text.insert(0, "a");
      text.insert(2, "b");
    });
    // rewrite the two new structs so that each one's only neighbour is the other
    const decoded = Y.decodeUpdate(u);
    const [first, second] = decoded.structs as Y.Item[];
    const cyclic = [
      new Y.Item(first!.id, null, second!.id, null, null, null, null, first!.content),
      new Y.Item(second!.id, null, first!.id, null, null, null, null, second!.content),
    ];
    const encoder = new Y.UpdateEncoderV1();
    const writeVarUint = (n: number) => encoding.writeVarUint(encoder.restEncoder, n);
    // the update format: one client with two structs from the first one's clock, then an empty delete set
    writeVarUint(1);
    writeVarUint(2);
    encoder.writeClient(first!.id.client);
    writeVarUint(first!.id.clock);
    for (const item of cyclic) item.write(encoder, 0);
    writeVarUint(0);
    const bytes = encoder.toUint8Array();
    expect(inspectUpdate(server, bytes)).toEqual({ ok: false, reason: expect.any(String) });
  });
});

describe("forged and out-of-order updates", () => {
  it("a copy of a struct the room already has cannot claim another parent", () => {
    const { server, client } = room();
    // Ben's client writes into the server-only status map, but sends the item claiming the
    // id of an existing server struct with the agreement as its parent, then a value after it.
    const serverStruct = server.store.clients.get(server.clientID)!.at(-1)!;
    const fake = new Y.Item(serverStruct.id, null, null, null, null, "agreementItems" as never, null, new Y.ContentAny(["x"]));
    const real = new Y.Item(Y.createID(client.clientID, Y.getState(client.store, client.clientID)), null, serverStruct.id, null, null, null, null, new Y.ContentAny([{ status: "agreed" }]));
    const encoder = new Y.UpdateEncoderV1();
    const w = (n: number) => encoding.writeVarUint(encoder.restEncoder, n);
    w(2);
    for (const s of [real, fake]) {
      w(1);
      encoder.writeClient(s.id.client);
      w(s.id.clock);
      s.write(encoder, 0);
    }
    w(0);
    const result = inspectUpdate(server, encoder.toUint8Array());
    // judged by the room's own struct: the value goes where that struct is (here: meta)
    expect(result.ok && result.changes.map((c) => c.section)).toEqual(["meta"]);
  });

  it("refuses deleting clocks the room does not have yet (they would delete future edits)", () => {
    const { server } = room();
    const encoder = new Y.UpdateEncoderV1();
    const w = (n: number) => encoding.writeVarUint(encoder.restEncoder, n);
    // no structs; a delete set of one client with one range from the room's state onwards
    w(0);
    w(1);
    w(server.clientID);
    w(1);
    w(Y.getState(server.store, server.clientID));
    w(1 << 20);
    expect(inspectUpdate(server, encoder.toUint8Array())).toEqual({ ok: false, reason: expect.any(String) });
  });

  it("refuses a gap in a client's clocks (it would wait as pending and apply later, unjudged)", () => {
    const { server, client } = room();
    const text = commitmentText(findAgreementItem(client, "item-1")!.item);
    updateOf(client, () => text.insert(0, "first ")); // never sent
    const second = updateOf(client, () => text.insert(0, "second "));
    expect(inspectUpdate(server, second)).toEqual({ ok: false, reason: expect.any(String) });
  });

  it("refuses a struct whose right neighbour the room does not have (it would wait as pending, unjudged)", () => {
    const { server, client } = room();
    // Ben types at the end of the commitment; his update never reaches the server.
    const ben = new Y.Doc();
    Y.applyUpdate(ben, Y.encodeStateAsUpdate(client));
    const benTyping = updateOf(ben, () => commitmentText(findAgreementItem(ben, "item-1")!.item).insert(8, "ZZ"));
    Y.applyUpdate(client, benTyping);
    // Ana types between the room's last letter (which the room has) and Ben's (which it has not).
    const u = updateOf(client, () => commitmentText(findAgreementItem(client, "item-1")!.item).insert(8, "!"));
    const item = Y.decodeUpdate(u).structs[0] as Y.Item;
    expect(item.origin && Y.getState(server.store, item.origin.client)).toBeGreaterThan(item.origin!.clock);
    expect(item.rightOrigin?.client).toBe(ben.clientID);
    expect(inspectUpdate(server, u)).toEqual({ ok: false, reason: expect.any(String) });
  });

  it("refuses structs of two clients that wait for each other in a circle (Yjs would keep them pending for ever)", () => {
    const { server, client } = room();
    const commitment = commitmentText(findAgreementItem(client, "item-1")!.item) as unknown as { _item: Y.Item };
    const bytes = circularUpdate(client.clientID, commitment._item.id);
    expect(inspectUpdate(server, bytes)).toEqual({ ok: false, reason: expect.any(String) });
    // what the check stands for: Yjs integrates none of it
    Y.applyUpdate(server, bytes);
    expect(server.store.pendingStructs).not.toBeNull();
  });

  it("takes one update with two clients' typing, one after the other's (no circle)", () => {
    const { server, client } = room();
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(client));
    const before = Y.encodeStateVector(server);
    commitmentText(findAgreementItem(client, "item-1")!.item).insert(0, "Ana: ");
    Y.applyUpdate(other, Y.encodeStateAsUpdate(client));
    commitmentText(findAgreementItem(other, "item-1")!.item).insert(5, "and Ben ");
    const both = Y.encodeStateAsUpdate(other, before);
    expect(Y.decodeUpdate(both).structs.length).toBeGreaterThan(1);
    expect(inspectUpdate(server, both)).toMatchObject({ ok: true, clients: new Set([client.clientID, other.clientID]) });
  });

  it("reports ids written into new items, for the caller to check", () => {
    const { server, client } = room();
    const u = updateOf(client, () => addAgreementItem(client, { id: "item-1", createdBy: "ben" })); // a duplicate id
    const result = inspectUpdate(server, u);
    expect(result.ok && result.newItemIds).toEqual(["item-1"]);
  });
});
