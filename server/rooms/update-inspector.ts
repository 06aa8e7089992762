/**
 * Resolves an incoming Yjs update, before it is applied, to what it would change: for every new
 * item and every deletion of a live item, its root section, the map keys down to it, and the
 * agreement item it belongs to. Parents are looked up in the update itself and in the room's
 * doc; an update whose parent is in neither cannot be judged and is refused.
 *
 * The work is proportional to the update (each struct walks up a few levels), not to the doc.
 */
import * as Y from "yjs";
import type { WriteChange } from "@/app/lib/write-policy";

type AnyStruct = Y.Item | Y.GC | Y.Skip;

interface Location {
  section: string;
  path: string[];
  /** The section's direct child this is in (e.g. an agreement item's Y.Map), if it already exists. */
  element: Y.AbstractType<unknown> | null;
  /** True for the section's direct children themselves. */
  topLevel: boolean;
}

/** "gone": inside content already deleted and garbage-collected: it can have no visible effect. */
type Resolved = Location | "gone" | "unknown";

export type Inspection =
  | { ok: true; changes: WriteChange[]; clients: Set<number> }
  | { ok: false; reason: string };

function elementId(element: Y.AbstractType<unknown> | null): string | null {
  if (!(element instanceof Y.Map)) return null;
  const id = element.get("id");
  return typeof id === "string" ? id : null;
}

/** Where an item that is already in the doc lives. */
function locateIntegrated(item: Y.Item): Location {
  const path: string[] = item.parentSub ? [item.parentSub] : [];
  let type = item.parent as Y.AbstractType<unknown>;
  let element: Y.AbstractType<unknown> | null = null;
  let topLevel = true;
  if (type._item !== null) topLevel = false;
  else if (item.content instanceof Y.ContentType) element = item.content.type;
  while (type._item !== null) {
    const owner = type._item;
    if (owner.parentSub) path.unshift(owner.parentSub);
    const ownerParent = owner.parent as Y.AbstractType<unknown>;
    if (ownerParent._item === null) element = type;
    type = ownerParent;
  }
  return { section: Y.findRootTypeKey(type), path, element, topLevel };
}

export function inspectUpdate(doc: Y.Doc, update: Uint8Array): Inspection {
  const { structs, ds } = Y.decodeUpdate(update);
  const store = doc.store;
  const byClient = new Map<number, AnyStruct[]>();
  for (const s of structs) {
    const list = byClient.get(s.id.client);
    if (list) list.push(s);
    else byClient.set(s.id.client, [s]);
  }
  const memo = new Map<AnyStruct, Resolved>();

  const inUpdate = (id: Y.ID): AnyStruct | undefined =>
    byClient.get(id.client)?.find((s) => s.id.clock <= id.clock && id.clock < s.id.clock + s.length);

  /** The item at `id` as a parent or neighbour: from this update, else from the doc. */
  const resolveId = (id: Y.ID, asParent: boolean): Resolved => {
    const own = inUpdate(id);
    if (own) {
      if (!(own instanceof Y.Item)) return own instanceof Y.GC ? "gone" : "unknown";
      const loc = resolveStruct(own);
      if (typeof loc === "string" || !asParent) return loc;
      return childOf(loc, own);
    }
    if (id.clock >= Y.getState(store, id.client)) return "unknown";
    const found = Y.getItem(store, id) as AnyStruct;
    if (!(found instanceof Y.Item)) return "gone";
    const loc = locateIntegrated(found);
    if (!asParent) return loc;
    // Children of this item: same section, under its key, in its element.
    return {
      section: loc.section,
      path: loc.path,
      element: loc.topLevel && found.content instanceof Y.ContentType ? found.content.type : loc.element,
      topLevel: false,
    };
  };

  /** The location of items whose parent is `parentItem` (a new item in this update). */
  const childOf = (parentLoc: Location, parentItem: Y.Item): Location => ({
    section: parentLoc.section,
    path: parentLoc.path,
    element: parentLoc.topLevel && parentItem.content instanceof Y.ContentType ? null : parentLoc.element,
    topLevel: false,
  });

  const resolveStruct = (s: Y.Item): Resolved => {
    const cached = memo.get(s);
    if (cached) return cached;
    let result: Resolved;
    const parent = s.parent as unknown;
    if (typeof parent === "string") {
      result = { section: parent, path: s.parentSub ? [s.parentSub] : [], element: null, topLevel: true };
    } else if (parent instanceof Y.ID) {
      const loc = resolveId(parent, true);
      result = typeof loc === "string" ? loc : { ...loc, path: s.parentSub ? [...loc.path, s.parentSub] : loc.path, topLevel: false };
    } else {
      // No parent info: it shares its neighbour's parent (and map key). A new top-level element
      // next to an existing one is its own element, not its neighbour's.
      const neighbour = s.origin ?? s.rightOrigin;
      const loc = neighbour ? resolveId(neighbour, false) : "unknown";
      result = typeof loc !== "string" && loc.topLevel ? { ...loc, element: null } : loc;
    }
    memo.set(s, result);
    return result;
  };

  const changes: WriteChange[] = [];
  const clients = new Set<number>();
  for (const s of structs) {
    // Only what the doc does not have yet; Yjs skips the rest.
    if (s.id.clock + s.length <= Y.getState(store, s.id.client)) continue;
    if (!(s instanceof Y.Item)) continue; // GC: deleted content; Skip: a gap
    clients.add(s.id.client);
    const loc = resolveStruct(s);
    if (loc === "unknown") return { ok: false, reason: "This change refers to something the room does not have." };
    if (loc === "gone") continue;
    changes.push({ op: "insert", section: loc.section, path: loc.path, itemId: elementId(loc.element) });
  }

  for (const [client, ranges] of ds.clients) {
    const known = Y.getState(store, client);
    const list = store.clients.get(client);
    for (const { clock, len } of ranges) {
      if (!list || clock >= known) continue; // deletes of this update's own new items
      let i = Y.findIndexSS(list, clock);
      for (; i < list.length && list[i]!.id.clock < clock + len; i++) {
        const struct = list[i]!;
        if (!(struct instanceof Y.Item) || struct.deleted) continue; // already gone: no effect
        const loc = locateIntegrated(struct);
        changes.push({ op: "delete", section: loc.section, path: loc.path, itemId: elementId(loc.element) });
      }
    }
  }
  return { ok: true, changes, clients };
}
