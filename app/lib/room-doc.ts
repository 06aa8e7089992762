/**
 * The room's shared document: one Y.Doc per room, the same module on client and server.
 * Nothing private ever goes in here (see DESIGN.md): everyone in the room receives all of it.
 *
 * Sections (root types):
 * - `meta` (Y.Map): `schemaVersion`, written by the server when it first loads a room.
 * - `agreementItems` (Y.Array<Y.Map>): the boundary agreement's items, co-edited by partners.
 *   Each item: `id` (string), `createdBy` (user id), `createdAt` (ms), `commitment` (Y.Text).
 */
import * as Y from "yjs";

export const ROOM_DOC_SCHEMA_VERSION = 1;

export const Section = {
  meta: "meta",
  agreementItems: "agreementItems",
} as const;

export const LIMITS = {
  /** Characters in one commitment. */
  commitmentLength: 2_000,
  /** Items in one agreement. */
  agreementItems: 200,
} as const;

export type AgreementItemMap = Y.Map<unknown>;

export interface AgreementItemView {
  id: string;
  createdBy: string;
  createdAt: number;
  commitment: string;
}

export function agreementItems(doc: Y.Doc): Y.Array<AgreementItemMap> {
  return doc.getArray<AgreementItemMap>(Section.agreementItems);
}

export function meta(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(Section.meta);
}

/** Run by the server on load: a room document always says which schema it follows. */
export function ensureSchema(doc: Y.Doc): boolean {
  const m = meta(doc);
  if (m.get("schemaVersion") === ROOM_DOC_SCHEMA_VERSION) return false;
  doc.transact(() => m.set("schemaVersion", ROOM_DOC_SCHEMA_VERSION));
  return true;
}

export function commitmentText(item: AgreementItemMap): Y.Text {
  const text = item.get("commitment");
  if (!(text instanceof Y.Text)) throw new Error("agreement item has no commitment text");
  return text;
}

export function addAgreementItem(
  doc: Y.Doc,
  input: { id: string; createdBy: string; createdAt?: number; commitment?: string },
): AgreementItemMap {
  const item = new Y.Map<unknown>();
  doc.transact(() => {
    item.set("id", input.id);
    item.set("createdBy", input.createdBy);
    item.set("createdAt", input.createdAt ?? Date.now());
    item.set("commitment", new Y.Text(input.commitment ?? ""));
    agreementItems(doc).push([item]);
  });
  return item;
}

export function findAgreementItem(doc: Y.Doc, id: string): { index: number; item: AgreementItemMap } | null {
  const items = agreementItems(doc).toArray();
  const index = items.findIndex((item) => item.get("id") === id);
  return index === -1 ? null : { index, item: items[index]! };
}

export function removeAgreementItem(doc: Y.Doc, id: string): boolean {
  const found = findAgreementItem(doc, id);
  if (!found) return false;
  agreementItems(doc).delete(found.index, 1);
  return true;
}

/** A plain, typed view of the agreement, tolerant of half-written items from a newer client. */
export function readAgreement(doc: Y.Doc): AgreementItemView[] {
  return agreementItems(doc)
    .toArray()
    .flatMap((item) => {
      const id = item.get("id");
      const text = item.get("commitment");
      if (typeof id !== "string" || !(text instanceof Y.Text)) return [];
      return [
        {
          id,
          createdBy: String(item.get("createdBy") ?? ""),
          createdAt: Number(item.get("createdAt") ?? 0),
          commitment: text.toString(),
        },
      ];
    });
}
