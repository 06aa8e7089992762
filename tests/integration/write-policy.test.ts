/**
 * The write policy against a misbehaving client with a valid session: every forbidden write is
 * refused whole, the sender is told why, and neither the partner nor the database ever sees it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { addAgreementItem, commitmentText, findAgreementItem, meta, readAgreement, ROOM_DOC_SCHEMA_VERSION } from "@/app/lib/room-doc";
import { pairedRoom, waitFor } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";
import { circularUpdate } from "../helpers/crafted-updates";
import { connectY, type YClient } from "../helpers/yjs-client";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
  await server.database.drop();
});

interface Scene {
  roomId: string;
  ana: YClient;
  ben: YClient;
  cookies: { a: string; b: string };
  ids: { a: string; b: string };
}

/** Ana and Ben in a room with one saved item, "item-1", in which Ana has a need statement. */
async function scene(): Promise<Scene> {
  const { a, b, roomId } = await pairedRoom(server.url);
  const ana = await connectY(server.url, roomId, a.cookie);
  const ben = await connectY(server.url, roomId, b.cookie);
  const item = addAgreementItem(ana.doc, { id: "item-1", createdBy: a.id, commitment: "We talk." });
  (item.get("needs") as Y.Map<Y.Text>).set(a.id, new Y.Text("I need this because I feel safer."));
  await ana.waitSaved();
  await waitFor(() => findAgreementItem(ben.doc, "item-1")?.item.get("needs"), "item at Ben");
  return { roomId, ana, ben, cookies: { a: a.cookie, b: b.cookie }, ids: { a: a.id, b: b.id } };
}

/** What the room holds once reloaded from the database. */
async function fromDatabase(s: Scene): Promise<Y.Doc> {
  s.ana.close();
  s.ben.close();
  await waitFor(() => server.logs().includes(`room unloaded room=${s.roomId}`), "room unloaded");
  const fresh = await connectY(server.url, s.roomId, s.cookies.a);
  fresh.close();
  return fresh.doc;
}

async function expectRefused(client: YClient, reason: RegExp) {
  await waitFor(() => client.notices.length > 0, "a refusal notice");
  expect(client.notices[0]).toEqual({ kind: "update-refused", message: expect.stringMatching(reason), resync: true });
}

const anaNeed = (doc: Y.Doc, anaId: string) =>
  (findAgreementItem(doc, "item-1")!.item.get("needs") as Y.Map<Y.Text>).get(anaId)!.toString();

describe("write policy, adversarially", () => {
  it("Ben writing into Ana's need statement is refused", async () => {
    const s = await scene();
    const mallory = await connectY(server.url, s.roomId, s.cookies.b);
    (findAgreementItem(mallory.doc, "item-1")!.item.get("needs") as Y.Map<Y.Text>).get(s.ids.a)!.insert(0, "NOT ");
    await expectRefused(mallory, /own need statement/);
    // a later honest edit still flows, and the forged one never arrived anywhere
    commitmentText(findAgreementItem(s.ben.doc, "item-1")!.item).insert(8, " Daily.");
    await s.ben.waitSaved();
    await waitFor(() => readAgreement(s.ana.doc)[0]!.commitment === "We talk. Daily.", "honest edit");
    expect(anaNeed(s.ana.doc, s.ids.a)).toBe("I need this because I feel safer.");
    mallory.close();
    expect(anaNeed(await fromDatabase(s), s.ids.a)).toBe("I need this because I feel safer.");
  });

  it("Ben writing his own need statement is allowed", async () => {
    const s = await scene();
    (findAgreementItem(s.ben.doc, "item-1")!.item.get("needs") as Y.Map<Y.Text>).set(s.ids.b, new Y.Text("I need time."));
    await s.ben.waitSaved();
    expect(s.ben.notices).toEqual([]);
    await waitFor(() => (findAgreementItem(s.ana.doc, "item-1")!.item.get("needs") as Y.Map<Y.Text>).get(s.ids.b)?.toString() === "I need time.", "at Ana");
    s.ana.close();
    s.ben.close();
  });

  it.each([
    ["writing consent or status directly", (d: Y.Doc) => d.getMap("agreementStatus").set("item-1", { status: "agreed" })],
    ["changing the document's schema version", (d: Y.Doc) => meta(d).set("schemaVersion", 99)],
    ["creating a section the schema does not have", (d: Y.Doc) => d.getArray("notes").push(["hello"])],
  ])("%s is refused", async (_what, write) => {
    const s = await scene();
    const mallory = await connectY(server.url, s.roomId, s.cookies.b);
    write(mallory.doc);
    await expectRefused(mallory, /kept by Mend itself/);
    mallory.close();
    const db = await fromDatabase(s);
    expect(db.getMap("agreementStatus").size).toBe(0);
    expect(meta(db).get("schemaVersion")).toBe(ROOM_DOC_SCHEMA_VERSION);
    expect(db.getArray("notes").length).toBe(0);
  });

  it.each([
    ["a text far over any limit", (d: Y.Doc) => commitmentText(findAgreementItem(d, "item-1")!.item).insert(0, "x".repeat(10_001)), /more text/],
    ["hundreds of items at once", (d: Y.Doc) => d.transact(() => { for (let i = 0; i < 501; i++) addAgreementItem(d, { id: `spam-${i}`, createdBy: "b" }); }), /at most 500 items/],
    ["a field items do not have", (d: Y.Doc) => findAgreementItem(d, "item-1")!.item.set("junk", "x".repeat(100)), /not part of an agreement item/],
  ])("%s is refused", async (_what, write, reason) => {
    const s = await scene();
    const mallory = await connectY(server.url, s.roomId, s.cookies.b);
    write(mallory.doc);
    await expectRefused(mallory, reason);
    mallory.close();
    const db = await fromDatabase(s);
    expect(readAgreement(db).map((i) => [i.id, i.commitment])).toEqual([["item-1", "We talk."]]);
    expect(findAgreementItem(db, "item-1")!.item.get("junk")).toBeUndefined();
  });

  it("replacing an item's need statements (wiping the other partner's) is refused", async () => {
    const s = await scene();
    const mallory = await connectY(server.url, s.roomId, s.cookies.b);
    findAgreementItem(mallory.doc, "item-1")!.item.set("needs", new Y.Map());
    await expectRefused(mallory, /stays theirs/);
    mallory.close();
    expect(anaNeed(await fromDatabase(s), s.ids.a)).toBe("I need this because I feel safer.");
  });

  it("a new item reusing an existing item's id (to inherit its agreement) is refused", async () => {
    const s = await scene();
    const mallory = await connectY(server.url, s.roomId, s.cookies.b);
    addAgreementItem(mallory.doc, { id: "item-1", createdBy: s.ids.b, commitment: "A copy" });
    await expectRefused(mallory, /id of its own/);
    mallory.close();
    expect(readAgreement(await fromDatabase(s)).map((i) => i.id)).toEqual(["item-1"]);
  });

  it("deleting clocks the room does not have yet (future edits) is refused", async () => {
    const s = await scene();
    const mallory = await connectY(server.url, s.roomId, s.cookies.b);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 2); // sync update
    const u = encoding.createEncoder();
    encoding.writeVarUint(u, 0); // no structs
    encoding.writeVarUint(u, 1); // one client in the delete set: Ana's
    encoding.writeVarUint(u, s.ana.doc.clientID);
    encoding.writeVarUint(u, 1);
    encoding.writeVarUint(u, Y.getState(s.ana.doc.store, s.ana.doc.clientID));
    encoding.writeVarUint(u, 1 << 20);
    encoding.writeVarUint8Array(e, encoding.toUint8Array(u));
    mallory.sendRaw(encoding.toUint8Array(e));
    await expectRefused(mallory, /does not have/);
    // Ana's next edit survives
    commitmentText(findAgreementItem(s.ana.doc, "item-1")!.item).insert(0, "Still here: ");
    await s.ana.waitSaved();
    mallory.close();
    expect(readAgreement(await fromDatabase(s))[0]!.commitment).toBe("Still here: We talk.");
  });

  it("an update whose parent the room does not have is refused", async () => {
    const s = await scene();
    const mallory = await connectY(server.url, s.roomId, s.cookies.b);
    // an item made offline and never sent, then only the typing inside it
    const hidden = new Y.Doc();
    Y.applyUpdate(hidden, Y.encodeStateAsUpdate(mallory.doc));
    addAgreementItem(hidden, { id: "ghost", createdBy: s.ids.b });
    const before = Y.encodeStateVector(hidden);
    commitmentText(findAgreementItem(hidden, "ghost")!.item).insert(0, "orphan text");
    const orphan = Y.encodeStateAsUpdate(hidden, before);
    // sent as a raw sync update (a Yjs client would hold it back, waiting for the parent)
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    syncProtocol.writeUpdate(e, orphan);
    mallory.sendRaw(encoding.toUint8Array(e));
    await expectRefused(mallory, /does not have/);
    mallory.close();
    expect(JSON.stringify((await fromDatabase(s)).toJSON())).not.toContain("orphan");
  });

  it("structs that wait for each other in a circle across two client ids are dropped and refused, not kept waiting", async () => {
    const s = await scene();
    const mallory = await connectY(server.url, s.roomId, s.cookies.b);
    const commitment = commitmentText(findAgreementItem(mallory.doc, "item-1")!.item) as unknown as { _item: Y.Item };
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    syncProtocol.writeUpdate(e, circularUpdate(mallory.doc.clientID, commitment._item.id));
    mallory.sendRaw(encoding.toUint8Array(e));
    await expectRefused(mallory, /does not have/);
    // Someone who opens the room now is not handed the waiting structs.
    const late = await connectY(server.url, s.roomId, s.cookies.a);
    expect(late.doc.store.pendingStructs).toBeNull();
    expect(readAgreement(late.doc)[0]!.commitment).toBe("We talk.");
    late.close();
    mallory.close();
    expect(readAgreement(await fromDatabase(s))[0]!.commitment).toBe("We talk.");
  });

  it("writing under someone else's Yjs client id is refused", async () => {
    const s = await scene();
    const mallory = await connectY(server.url, s.roomId, s.cookies.b);
    // Ana's id, visible to everyone in the room; set after the sync (Yjs would pick a new one
    // on seeing its own id arrive from elsewhere), so the next struct is (Ana's id, her next clock)
    mallory.doc.clientID = s.ana.doc.clientID;
    commitmentText(findAgreementItem(mallory.doc, "item-1")!.item).insert(0, "Forged: ");
    await expectRefused(mallory, /someone else's name/);
    // Ana's own next edit is not lost as a "duplicate"
    commitmentText(findAgreementItem(s.ana.doc, "item-1")!.item).insert(0, "Ana: ");
    await s.ana.waitSaved();
    await waitFor(() => readAgreement(s.ben.doc)[0]!.commitment === "Ana: We talk.", "Ana's edit at Ben");
    mallory.close();
  });

});
