/**
 * What a cheap load client knows of the one text it types into: the order of its characters by
 * Yjs id, kept with Yjs's own rule for concurrent inserts (YATA, as in `Item.integrate`), one
 * character at a time. With it a client writes a keystroke's update bytes itself and reads its
 * peers' keystrokes without a Y.Doc: no transaction, no observers, no re-encoding of every
 * update it receives. A full Yjs client per simulated person made the load generator, not the
 * server, the largest cost in the bench's latencies (docs/performance.md).
 *
 * Only what the bench does is modelled: characters are inserted, never deleted or formatted.
 * tests/unit/bench-text-model.test.ts checks the order against Yjs's over random concurrent
 * sessions, and the bytes against Yjs's own encoding.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as Y from "yjs";

export interface CharId {
  client: number;
  clock: number;
}

interface Char extends CharId {
  origin: CharId | null;
  rightOrigin: CharId | null;
}

/** Yjs's content ref number of a string (ContentString.getRef()). */
const CONTENT_STRING = 4;
const HAS_ORIGIN = 0x80;
const HAS_RIGHT_ORIGIN = 0x40;

const sameId = (a: CharId | null, b: CharId | null) =>
  a === b || (a !== null && b !== null && a.client === b.client && a.clock === b.clock);

export class TextModel {
  private readonly chars: Char[] = [];
  /** Each character by client, then clock. */
  private readonly byId = new Map<number, Map<number, Char>>();

  /** The characters of a Y.Text (the bench's texts hold strings only, and nothing deleted). */
  static fromYText(text: Y.Text): TextModel {
    const model = new TextModel();
    for (let item = text._start; item !== null; item = item.right) {
      if (item.deleted || !(item.content instanceof Y.ContentString)) throw new Error("the load types into plain, undeleted text only");
      // In Yjs's order already: appended as they are, not integrated again.
      for (let k = 0; k < item.length; k++) {
        const { client, clock } = item.id;
        const c: Char = { client, clock: clock + k, origin: k === 0 ? item.origin : { client, clock: clock + k - 1 }, rightOrigin: item.rightOrigin };
        model.chars.push(c);
        model.index(c);
      }
    }
    return model;
  }

  get length(): number {
    return this.chars.length;
  }

  /** Ids in text order (for tests). */
  ids(): CharId[] {
    return this.chars.map(({ client, clock }) => ({ client, clock }));
  }

  has(id: CharId): boolean {
    return this.find(id) !== undefined;
  }

  /**
   * A new character of `client` at `clock`, typed at `index`: adds it and returns its update
   * (Yjs update format v1: one client, one struct, an empty delete set).
   */
  insert(index: number, client: number, clock: number, char: string): Uint8Array {
    const origin = index > 0 ? this.chars[index - 1]! : null;
    const rightOrigin = this.chars[index] ?? null;
    if (origin === null && rightOrigin === null) throw new Error("the load never types into an empty text");
    const c: Char = { client, clock, origin: origin && idOf(origin), rightOrigin: rightOrigin && idOf(rightOrigin) };
    this.chars.splice(index, 0, c);
    this.index(c);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1); // clients
    encoding.writeVarUint(e, 1); // structs of this client
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, clock);
    encoding.writeUint8(e, CONTENT_STRING | (origin ? HAS_ORIGIN : 0) | (rightOrigin ? HAS_RIGHT_ORIGIN : 0));
    if (origin) writeId(e, origin);
    if (rightOrigin) writeId(e, rightOrigin);
    encoding.writeVarString(e, char);
    encoding.writeVarUint(e, 0); // delete set: no clients
    return encoding.toUint8Array(e);
  }

  /**
   * Takes the structs of a received update that belong to this text (their neighbours are in
   * it); the rest (other types, or characters already here) are left alone.
   */
  applyItem(item: Y.Item): void {
    const ours = (id: CharId | null) => id === null || this.has(id);
    if (item.content instanceof Y.ContentString && (item.origin ?? item.rightOrigin) !== null && ours(item.origin) && ours(item.rightOrigin)) {
      this.addItem(item.id, item.origin, item.rightOrigin, item.length);
    }
  }

  /** Each character of an item: the first has the item's origins; the others follow it. */
  private addItem(id: CharId, origin: CharId | null, rightOrigin: CharId | null, length: number): void {
    for (let k = 0; k < length; k++) {
      const clock = id.clock + k;
      if (this.has({ client: id.client, clock })) continue;
      this.integrate({ client: id.client, clock, origin: k === 0 ? origin : { client: id.client, clock: clock - 1 }, rightOrigin });
    }
  }

  /** Yjs's `Item.integrate` for one character: where it goes among concurrent inserts. */
  private integrate(c: Char): void {
    const leftIndex = c.origin ? this.chars.indexOf(this.find(c.origin)!) : -1;
    const right = c.rightOrigin ? this.find(c.rightOrigin)! : undefined;
    let left = leftIndex;
    let i = leftIndex + 1;
    if (this.chars[i] !== right) {
      const conflicting = new Set<Char>();
      const beforeOrigin = new Set<Char>();
      for (; i < this.chars.length && this.chars[i] !== right; i++) {
        const o = this.chars[i]!;
        beforeOrigin.add(o);
        conflicting.add(o);
        if (sameId(c.origin, o.origin)) {
          if (o.client < c.client) {
            left = i;
            conflicting.clear();
          } else if (sameId(c.rightOrigin, o.rightOrigin)) {
            break;
          }
        } else if (o.origin !== null && beforeOrigin.has(this.find(o.origin)!)) {
          if (!conflicting.has(this.find(o.origin)!)) {
            left = i;
            conflicting.clear();
          }
        } else {
          break;
        }
      }
    }
    this.chars.splice(left + 1, 0, c);
    this.index(c);
  }

  private find(id: CharId): Char | undefined {
    return this.byId.get(id.client)?.get(id.clock);
  }

  private index(c: Char): void {
    let clocks = this.byId.get(c.client);
    if (!clocks) this.byId.set(c.client, (clocks = new Map()));
    clocks.set(c.clock, c);
  }
}

const idOf = ({ client, clock }: CharId): CharId => ({ client, clock });

function writeId(e: encoding.Encoder, id: CharId): void {
  encoding.writeVarUint(e, id.client);
  encoding.writeVarUint(e, id.clock);
}

/** A state vector (Yjs's encoding): each client's next clock. */
export function encodeStateVector(state: Map<number, number>): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, state.size);
  for (const [client, clock] of state) {
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, clock);
  }
  return encoding.toUint8Array(e);
}

/**
 * The clock one client has in an encoded snapshot (Y.encodeSnapshot: a delete set, then a state
 * vector), read without building either: Mend's "saved" message, once per commit.
 */
export function snapshotClock(snapshot: Uint8Array, client: number): number {
  const d = decoding.createDecoder(snapshot);
  for (let clients = decoding.readVarUint(d); clients > 0; clients--) {
    decoding.readVarUint(d); // client
    for (let ranges = decoding.readVarUint(d); ranges > 0; ranges--) {
      decoding.readVarUint(d); // clock
      decoding.readVarUint(d); // length
    }
  }
  let clock = 0;
  for (let n = decoding.readVarUint(d); n > 0; n--) {
    const c = decoding.readVarUint(d);
    const k = decoding.readVarUint(d);
    if (c === client) clock = k;
  }
  return clock;
}
