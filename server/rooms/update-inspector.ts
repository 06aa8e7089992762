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
  /** The type this struct is inserted into: the live type, or the new struct that holds it. */
  parent?: Y.AbstractType<unknown> | Y.Item | string;
  /** The section's direct child this is in (e.g. an agreement item's Y.Map), if it already exists. */
  element: Y.AbstractType<unknown> | null;
  /** True for the section's direct children themselves. */
  topLevel: boolean;
}

/** "gone": inside content already deleted and garbage-collected: it can have no visible effect. */
type Resolved = Location | "gone" | "unknown";

/** How much an update adds to one type (a text's characters, an array's or map's entries). */
export interface Growth {
  section: string;
  path: string[];
  /** The live type it grows, or null when the type is new in this update. */
  type: Y.AbstractType<unknown> | null;
  added: number;
}

export type Inspection =
  | {
      ok: true;
      /** The bytes to apply: only what the room does not have yet (`Y.diffUpdate`). */
      update: Uint8Array;
      changes: WriteChange[];
      clients: Set<number>;
      growth: Growth[];
      /** Values written to `id` in new items (checked for uniqueness by the caller). */
      newItemIds: unknown[];
    }
  | { ok: false; reason: string };

/** More structs than any person's edits produce in one message. */
const MAX_STRUCTS = 20_000;
const UNKNOWN = "This change refers to something the room does not have.";

function elementId(element: Y.AbstractType<unknown> | null): string | null {
  if (!(element instanceof Y.Map)) return null;
  const id = element.get("id");
  return typeof id === "string" ? id : null;
}

/**
 * A root type's name, looked up once per type: Yjs's findRootTypeKey walks every root of the doc
 * on each call, and every keystroke asks (3% of the server's busy time at 1,000 rooms).
 */
const rootKeys = new WeakMap<Y.AbstractType<unknown>, string>();
function rootKey(type: Y.AbstractType<unknown>): string {
  let key = rootKeys.get(type);
  if (key === undefined) rootKeys.set(type, (key = Y.findRootTypeKey(type)));
  return key;
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
  return { section: rootKey(type), path, element, topLevel };
}

/** A reference to one's own later struct cannot be integrated in order (Yjs may throw half-way). */
function forward(s: Y.Item, id: Y.ID | null): boolean {
  return id !== null && id.client === s.id.client && id.clock >= s.id.clock;
}

/**
 * Whether Yjs can integrate every struct of the update: each waits for the struct before it from
 * the same client and for the structs of this update it points at (origin, right origin,
 * parent). Structs of several clients can wait for each other in a circle that no single check
 * sees; Yjs would keep them pending for ever, and hand them to everyone who syncs. Kahn's
 * topological sort, without recursion (an update may hold 20,000 structs).
 */
function integratesInOrder(structs: AnyStruct[], byClient: Map<number, AnyStruct[]>, locator: Locator): boolean {
  const waitingFor = new Map<AnyStruct, number>();
  const waiters = new Map<AnyStruct, AnyStruct[]>();
  const dependsOn = (s: AnyStruct, d: AnyStruct | undefined) => {
    if (d === undefined || d === s) return;
    waitingFor.set(s, (waitingFor.get(s) ?? 0) + 1);
    const list = waiters.get(d);
    if (list) list.push(s);
    else waiters.set(d, [s]);
  };
  for (const list of byClient.values()) {
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      if (i > 0) dependsOn(s, list[i - 1]);
      if (!(s instanceof Y.Item)) continue;
      if (s.origin) dependsOn(s, locator.inUpdate(s.origin));
      if (s.rightOrigin) dependsOn(s, locator.inUpdate(s.rightOrigin));
      if (s.parent instanceof Y.ID) dependsOn(s, locator.inUpdate(s.parent));
    }
  }
  const ready = structs.filter((s) => !waitingFor.has(s));
  let integrated = 0;
  while (ready.length > 0) {
    const s = ready.pop()!;
    integrated++;
    for (const w of waiters.get(s) ?? []) {
      const left = waitingFor.get(w)! - 1;
      if (left === 0) ready.push(w);
      waitingFor.set(w, left);
    }
  }
  return integrated === structs.length;
}

/**
 * Where the structs of one update go. A class rather than closures in `inspectUpdate`: this runs
 * for every edit, and each closure was an allocation (and, under tsx, a `name` property defined).
 */
class Locator {
  private readonly memo = new Map<AnyStruct, Resolved>();

  constructor(
    private readonly doc: Y.Doc,
    /** This update's structs, by client, in clock order. */
    private readonly byClient: Map<number, AnyStruct[]>,
  ) {}

  /** A struct new in this update (the room has nothing at or after its state for that client). */
  inUpdate(id: Y.ID): AnyStruct | undefined {
    if (id.clock < Y.getState(this.doc.store, id.client)) return undefined; // the room's own copy counts
    const list = this.byClient.get(id.client);
    if (!list) return undefined;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = list[mid]!;
      if (id.clock < s.id.clock) hi = mid - 1;
      else if (id.clock >= s.id.clock + s.length) lo = mid + 1;
      else return s;
    }
    return undefined;
  }

  /** Whether the struct at `id` is in the room or in this update. */
  has(id: Y.ID): boolean {
    return id.clock < Y.getState(this.doc.store, id.client) || this.inUpdate(id) !== undefined;
  }

  /** The item at `id` as a parent or neighbour: from this update, else from the doc. */
  private resolveId(id: Y.ID, asParent: boolean): Resolved {
    const own = this.inUpdate(id);
    if (own) {
      if (!(own instanceof Y.Item)) return own instanceof Y.GC ? "gone" : "unknown";
      const loc = this.resolve(own);
      if (typeof loc === "string" || !asParent) return loc;
      // Items whose parent is this new item.
      return {
        section: loc.section,
        path: loc.path,
        element: loc.topLevel && own.content instanceof Y.ContentType ? null : loc.element,
        topLevel: false,
      };
    }
    if (id.clock >= Y.getState(this.doc.store, id.client)) return "unknown";
    const found = Y.getItem(this.doc.store, id) as AnyStruct;
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
  }

  /** The type a struct with this parent ID goes into: live (ContentType's type) or new (the struct). */
  private parentTypeOf(id: Y.ID): Y.AbstractType<unknown> | Y.Item | undefined {
    const own = this.inUpdate(id);
    if (own instanceof Y.Item) return own;
    if (id.clock >= Y.getState(this.doc.store, id.client)) return undefined;
    const found = Y.getItem(this.doc.store, id) as AnyStruct;
    return found instanceof Y.Item && found.content instanceof Y.ContentType ? found.content.type : undefined;
  }

  /** The type a sibling of this neighbour is in. */
  private siblingParentOf(id: Y.ID): Y.AbstractType<unknown> | Y.Item | string | undefined {
    const own = this.inUpdate(id);
    if (own instanceof Y.Item) {
      const loc = this.resolve(own);
      return typeof loc === "string" ? undefined : loc.parent;
    }
    if (id.clock >= Y.getState(this.doc.store, id.client)) return undefined;
    const found = Y.getItem(this.doc.store, id) as AnyStruct;
    return found instanceof Y.Item ? (found.parent as Y.AbstractType<unknown>) : undefined;
  }

  resolve(s: Y.Item): Resolved {
    const cached = this.memo.get(s);
    if (cached) return cached;
    // A crafted update can make structs point at each other in a circle: while this one is being
    // resolved, reaching it again means its parent cannot be known.
    this.memo.set(s, "unknown");
    let result: Resolved;
    const parent = s.parent as unknown;
    if (typeof parent === "string") {
      const type = this.doc.share.get(parent) as Y.AbstractType<unknown> | undefined;
      result = { section: parent, path: s.parentSub ? [s.parentSub] : [], element: null, topLevel: true, parent: type ?? parent };
    } else if (parent instanceof Y.ID) {
      const loc = this.resolveId(parent, true);
      result =
        typeof loc === "string"
          ? loc
          : { ...loc, path: s.parentSub ? [...loc.path, s.parentSub] : loc.path, topLevel: false, parent: this.parentTypeOf(parent) };
    } else {
      // No parent info: it shares its neighbour's parent (and map key). A new top-level element
      // next to an existing one is its own element, not its neighbour's.
      const neighbour = s.origin ?? s.rightOrigin;
      const loc = neighbour ? this.resolveId(neighbour, false) : "unknown";
      if (typeof loc === "string" || !neighbour) result = loc;
      else result = { ...loc, element: loc.topLevel ? null : loc.element, parent: this.siblingParentOf(neighbour) };
    }
    this.memo.set(s, result);
    return result;
  }
}

export function inspectUpdate(doc: Y.Doc, received: Uint8Array): Inspection {
  const store = doc.store;
  // What is judged is exactly what is applied: the update cut down to what the room lacks.
  // (A copy of a struct the room already has could otherwise claim another parent, and a
  // partly known struct is re-anchored by Yjs next to what the room has.)
  // Most updates are a person's next keystrokes: nothing in them is in the room yet, and the diff
  // would be the update itself. Only when something overlaps is it cut (one decode otherwise).
  let update = received;
  let decoded = Y.decodeUpdate(received);
  if (decoded.structs.some((s) => s.id.clock < Y.getState(store, s.id.client))) {
    update = Y.diffUpdate(received, Y.encodeStateVector(doc));
    decoded = Y.decodeUpdate(update);
  }
  const { structs, ds } = decoded;
  if (structs.length > MAX_STRUCTS) return { ok: false, reason: "That change is too large to take in one go." };
  const byClient = new Map<number, AnyStruct[]>();
  for (const s of structs) {
    const list = byClient.get(s.id.client);
    if (list) list.push(s);
    else byClient.set(s.id.client, [s]);
  }
  /** Per client: the clock up to which the room will have structs once this update is applied. */
  const newState = new Map<number, number>();
  for (const [client, list] of byClient) {
    // Each client's new structs must continue exactly where the room is: no gaps (they would wait
    // as "pending" and be applied later, unjudged), no skips, no repeats.
    let clock = Y.getState(store, client);
    for (const s of list) {
      if (s instanceof Y.Skip || s.id.clock !== clock) return { ok: false, reason: UNKNOWN };
      clock += s.length;
    }
    newState.set(client, clock);
  }
  const locator = new Locator(doc, byClient);
  if (structs.length > 1 && !integratesInOrder(structs, byClient, locator)) return { ok: false, reason: UNKNOWN };

  const changes: WriteChange[] = [];
  const clients = new Set<number>();
  const growth = new Map<unknown, Growth>();
  const newItemIds: unknown[] = [];
  for (const s of structs) {
    clients.add(s.id.client);
    if (!(s instanceof Y.Item)) continue; // GC: deleted content, no visible effect
    if (forward(s, s.origin) || forward(s, s.rightOrigin) || (s.parent instanceof Y.ID && forward(s, s.parent))) {
      return { ok: false, reason: UNKNOWN };
    }
    // Both neighbours must exist: a struct missing one would wait as "pending", applied later, unjudged.
    if ((s.origin && !locator.has(s.origin)) || (s.rightOrigin && !locator.has(s.rightOrigin))) return { ok: false, reason: UNKNOWN };
    const loc = locator.resolve(s);
    if (loc === "unknown") return { ok: false, reason: UNKNOWN };
    if (loc === "gone") continue;
    const itemId = elementId(loc.element);
    changes.push({ op: "insert", section: loc.section, path: loc.path, itemId, topLevel: loc.topLevel });
    if (s.parentSub === "id" && loc.path.length === 1 && itemId === null && s.content instanceof Y.ContentAny) {
      newItemIds.push(...s.content.arr);
    }
    // Map entries replace each other; lists and texts grow. Deleted content adds nothing visible.
    if (!s.parentSub && !(s.content instanceof Y.ContentDeleted) && loc.parent !== undefined) {
      const key = loc.parent;
      const entry = growth.get(key) ?? {
        section: loc.section,
        path: loc.path,
        type: typeof key === "object" && !(key instanceof Y.Item) ? key : null,
        added: 0,
      };
      entry.added += s.length;
      growth.set(key, entry);
    }
  }

  for (const [client, ranges] of ds.clients) {
    const known = Y.getState(store, client);
    const list = store.clients.get(client);
    const upTo = newState.get(client) ?? known;
    for (const { clock, len } of ranges) {
      // Deleting what does not exist yet would wait and delete someone's future edits.
      if (clock + len > upTo) return { ok: false, reason: UNKNOWN };
      if (!list || clock >= known) continue; // deletes of this update's own new items
      let i = Y.findIndexSS(list, clock);
      for (; i < list.length && list[i]!.id.clock < clock + len; i++) {
        const struct = list[i]!;
        if (!(struct instanceof Y.Item) || struct.deleted) continue; // already gone: no effect
        const loc = locateIntegrated(struct);
        changes.push({ op: "delete", section: loc.section, path: loc.path, itemId: elementId(loc.element), topLevel: loc.topLevel });
      }
    }
  }
  return { ok: true, update, changes, clients, growth: [...growth.values()], newItemIds };
}
