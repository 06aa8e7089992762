/**
 * The bench's cheap load clients type without a Y.Doc (bench/text-model.ts): what they send must
 * be what Yjs would send, and the order they believe the text is in must be Yjs's, or their
 * edits would land elsewhere than they think, or be refused.
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { addAgreementItem, agreementItems, commitmentText } from "@/app/lib/room-doc";
import { encodeStateVector, snapshotClock, TextModel } from "@/bench/text-model";
import { prng } from "../helpers/prng";

function yjsOrder(text: Y.Text): string[] {
  const ids: string[] = [];
  for (let item = text._start; item !== null; item = item.right) {
    for (let k = 0; k < item.length; k++) ids.push(`${item.id.client}:${item.id.clock + k}`);
  }
  return ids;
}

const modelOrder = (model: TextModel) => model.ids().map((id) => `${id.client}:${id.clock}`);

function roomDoc(clientID: number, setup?: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  if (setup) Y.applyUpdate(doc, setup);
  return doc;
}

describe("the load's text model", () => {
  it("writes the same bytes as Yjs for a keystroke anywhere in the text", () => {
    const doc = roomDoc(7);
    addAgreementItem(doc, { id: "a", createdBy: "ana", commitment: "We talk" });
    const text = commitmentText(agreementItems(doc).get(0));
    for (const index of [0, 1, 3, 7, 4, 0, 9]) {
      const model = TextModel.fromYText(text);
      const clock = Y.getState(doc.store, doc.clientID);
      const mine = model.insert(index, doc.clientID, clock, "x");
      let theirs: Uint8Array | null = null;
      doc.once("update", (u: Uint8Array) => (theirs = u));
      text.insert(index, "x");
      expect(Array.from(mine)).toEqual(Array.from(theirs!));
      expect(modelOrder(model)).toEqual(yjsOrder(text));
    }
  });

  it("keeps Yjs's order through random concurrent typing by three people through one server", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rand = prng(seed);
      const creator = roomDoc(1000 + seed);
      addAgreementItem(creator, { id: "a", createdBy: "ana", commitment: "We " });
      const setup = Y.encodeStateAsUpdate(creator);
      const server = roomDoc(1, setup);
      // Client ids in both orders around each other, so both YATA tie-breaks are exercised.
      const people = [5, 3, 9].map((id) => {
        const doc = roomDoc(id, setup);
        const model = TextModel.fromYText(commitmentText(agreementItems(doc).get(0)));
        return { id, doc, model, clock: Y.getState(doc.store, id), outbox: [] as Uint8Array[], inbox: [] as Uint8Array[] };
      });
      const text = (doc: Y.Doc) => commitmentText(agreementItems(doc).get(0));
      const receive = (p: (typeof people)[number]) => {
        const update = p.inbox.shift()!;
        Y.applyUpdate(p.doc, update);
        for (const s of Y.decodeUpdate(update).structs) if (s instanceof Y.Item) p.model.applyItem(s);
      };
      // The server takes one person's next update and passes it on, in the order it took them
      // (as Mend and the relay do): deliveries are causal, and arrive at random moments.
      const relay = (p: (typeof people)[number]) => {
        const update = p.outbox.shift()!;
        Y.applyUpdate(server, update);
        for (const q of people) if (q !== p) q.inbox.push(update);
      };
      for (let step = 0; step < 400; step++) {
        const p = people[Math.floor(rand() * people.length)]!;
        const r = rand();
        if (r < 0.4) {
          const update = p.model.insert(Math.floor(rand() * (p.model.length + 1)), p.id, p.clock++, "abc"[step % 3]!);
          // (Yjs then gives this doc a new client id, seeing its own id in a remote update: unused here.)
          Y.applyUpdate(p.doc, update);
          p.outbox.push(update);
        } else if (r < 0.7) {
          if (p.outbox.length > 0) relay(p);
        } else if (p.inbox.length > 0) {
          receive(p);
        }
        expect(modelOrder(p.model), `seed ${seed}, step ${step}`).toEqual(yjsOrder(text(p.doc)));
      }
      for (const p of people) while (p.outbox.length > 0) relay(p);
      for (const p of people) while (p.inbox.length > 0) receive(p);
      expect(server.store.pendingStructs).toBeNull();
      // A server that lost what they typed (a restart) gets it back from each model alone.
      const restarted = roomDoc(2, setup);
      for (const p of people) {
        const since = Math.floor(p.clock / 2);
        const tail = p.model.typedSince(p.id, since);
        expect(tail && Y.decodeUpdate(tail).structs.map((s) => s.id.clock)).toEqual(p.clock > since ? Array.from({ length: p.clock - since }, (_, k) => since + k) : null);
        const all = p.model.typedSince(p.id, 0);
        if (all) Y.applyUpdate(restarted, all);
      }
      expect(restarted.store.pendingStructs).toBeNull();
      expect(text(restarted).toString(), `seed ${seed}`).toBe(text(server).toString());
      for (const p of people) {
        expect(p.doc.store.pendingStructs).toBeNull();
        expect(text(p.doc).toString(), `seed ${seed}`).toBe(text(server).toString());
        expect(modelOrder(p.model), `seed ${seed}`).toEqual(yjsOrder(text(server)));
      }
    }
  });

  it("leaves alone what is not its text, and characters it has", () => {
    const doc = roomDoc(4);
    addAgreementItem(doc, { id: "a", createdBy: "ana", commitment: "We " });
    const model = TextModel.fromYText(commitmentText(agreementItems(doc).get(0)));
    const other = roomDoc(8, Y.encodeStateAsUpdate(doc));
    const before = Y.encodeStateVector(other);
    agreementItems(other).get(0).set("category", "time");
    other.getText("elsewhere").insert(0, "hello");
    for (const s of Y.decodeUpdate(Y.encodeStateAsUpdate(other, before)).structs) if (s instanceof Y.Item) model.applyItem(s);
    for (const s of Y.decodeUpdate(Y.encodeStateAsUpdate(doc)).structs) if (s instanceof Y.Item) model.applyItem(s);
    expect(modelOrder(model)).toEqual(yjsOrder(commitmentText(agreementItems(doc).get(0))));
  });

  it("reads a client's clock from an encoded snapshot, deletions and all", () => {
    const doc = roomDoc(11);
    const text = doc.getText("t");
    text.insert(0, "hello world");
    text.delete(2, 3);
    const peer = roomDoc(6, Y.encodeStateAsUpdate(doc));
    peer.getText("t").insert(0, "ab");
    peer.getText("t").delete(0, 1);
    const snapshot = Y.encodeSnapshot(Y.snapshot(peer));
    expect(snapshotClock(snapshot, 11)).toBe(11);
    expect(snapshotClock(snapshot, 6)).toBe(2);
    expect(snapshotClock(snapshot, 99)).toBe(0);
  });

  it("encodes a state vector Yjs reads back", () => {
    const state = new Map([
      [3, 10],
      [4000000000, 1],
    ]);
    expect(Y.decodeStateVector(encodeStateVector(state))).toEqual(state);
  });
});
