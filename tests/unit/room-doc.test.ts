import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import {
  addAgreementItem,
  agreementItems,
  commitmentText,
  ensureSchema,
  findAgreementItem,
  meta,
  readAgreement,
  removeAgreementItem,
  ROOM_DOC_SCHEMA_VERSION,
} from "@/app/lib/room-doc";

function sync(a: Y.Doc, b: Y.Doc) {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe("room document schema", () => {
  it("records its schema version once", () => {
    const doc = new Y.Doc();
    expect(ensureSchema(doc)).toBe(true);
    expect(meta(doc).get("schemaVersion")).toBe(ROOM_DOC_SCHEMA_VERSION);
    expect(ensureSchema(doc)).toBe(false);
  });

  it("adds, finds, reads and removes agreement items", () => {
    const doc = new Y.Doc();
    addAgreementItem(doc, { id: "a", createdBy: "u1", createdAt: 1, commitment: "Check in daily" });
    addAgreementItem(doc, { id: "b", createdBy: "u2", createdAt: 2 });
    expect(readAgreement(doc)).toMatchObject([
      { id: "a", createdBy: "u1", createdAt: 1, commitment: "Check in daily", category: "other", committer: "both", reciprocal: false, needs: {} },
      { id: "b", createdBy: "u2", createdAt: 2, commitment: "" },
    ]);
    expect(findAgreementItem(doc, "b")?.index).toBe(1);
    expect(removeAgreementItem(doc, "a")).toBe(true);
    expect(removeAgreementItem(doc, "a")).toBe(false);
    expect(readAgreement(doc).map((i) => i.id)).toEqual(["b"]);
  });

  it("merges two partners typing in one commitment at the same time, character by character", () => {
    const ana = new Y.Doc();
    const ben = new Y.Doc();
    addAgreementItem(ana, { id: "a", createdBy: "ana", commitment: "We talk." });
    sync(ana, ben);
    commitmentText(findAgreementItem(ana, "a")!.item).insert(7, " every evening");
    commitmentText(findAgreementItem(ben, "a")!.item).insert(0, "Both: ");
    sync(ana, ben);
    expect(readAgreement(ana)[0]!.commitment).toBe("Both: We talk every evening.");
    expect(readAgreement(ben)).toEqual(readAgreement(ana));
  });

  it("skips malformed items instead of failing to render", () => {
    const doc = new Y.Doc();
    const bad = new Y.Map<unknown>();
    agreementItems(doc).push([bad]);
    bad.set("id", 42);
    addAgreementItem(doc, { id: "ok", createdBy: "u" });
    expect(readAgreement(doc).map((i) => i.id)).toEqual(["ok"]);
  });
});
