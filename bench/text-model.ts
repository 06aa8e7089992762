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

/** One character: its id, the characters it was typed between (Yjs's origins), and itself. */
interface Char extends CharId {
  origin: Char | null;
  rightOrigin: Char | null;
  text: string;
}

/** Yjs's content ref number of a string (ContentString.getRef()). */
const CONTENT_STRING = 4;
const HAS_ORIGIN = 0x80;
const HAS_RIGHT_ORIGIN = 0x40;

export class TextModel {
  private readonly chars: Char[] = [];
  /** Each character by client, then clock. */
  private readonly byId = new Map<number, Map<number, Char>>();

  /** The characters of a Y.Text (the bench's texts hold strings only, and nothing deleted). */
  static fromYText(text: Y.Text): TextModel {
    const model = new TextModel();
    // In Yjs's order already: appended as they are, not integrated again. Their origins are
    // linked once all are known (a right origin lies further on).
    const origins: Array<[CharId | null, CharId | null]> = [];
    for (let item = text._start; item !== null; item = item.right) {
      if (item.deleted || !(item.content instanceof Y.ContentString)) throw new Error("the load types into plain, undeleted text only");
      const { client, clock } = item.id;
      for (let k = 0; k < item.length; k++) {
        const c: Char = { client, clock: clock + k, origin: null, rightOrigin: null, text: item.content.str[k]! };
        model.chars.push(c);
        model.index(c);
        origins.push([k === 0 ? item.origin : { client, clock: clock + k - 1 }, item.rightOrigin]);
      }
    }
    model.chars.forEach((c, i) => {
      const [origin, rightOrigin] = origins[i]!;
      c.origin = origin && model.find(origin)!;
      c.rightOrigin = rightOrigin && model.find(rightOrigin)!;
    });
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
  insert(index: number, client: number, clock: number, text: string): Uint8Array {
    const origin = index > 0 ? this.chars[index - 1]! : null;
    const rightOrigin = this.chars[index] ?? null;
    if (origin === null && rightOrigin === null) throw new Error("the load never types into an empty text");
    const c: Char = { client, clock, origin, rightOrigin, text };
    this.chars.splice(index, 0, c);
    this.index(c);
    return encode(client, [c]);
  }

  /**
   * What `client` typed from `clock` on, as one update (null if nothing): what a server that
   * lost track of it needs again. The characters are kept anyway, so their updates need not be.
   */
  typedSince(client: number, clock: number): Uint8Array | null {
    const own = this.byId.get(client);
    const typed: Char[] = [];
    for (let c = own?.get(clock); c !== undefined; c = own!.get(c.clock + 1)) typed.push(c);
    return typed.length > 0 ? encode(client, typed) : null;
  }

  /**
   * Takes the structs of a received update that belong to this text (their neighbours are in
   * it); the rest (other types, or characters already here) are left alone.
   */
  applyItem(item: Y.Item): void {
    const ours = (id: CharId | null) => id === null || this.has(id);
    if (item.content instanceof Y.ContentString && (item.origin ?? item.rightOrigin) !== null && ours(item.origin) && ours(item.rightOrigin)) {
      const { client, clock } = item.id;
      const rightOrigin = item.rightOrigin && this.find(item.rightOrigin)!;
      let origin = item.origin && this.find(item.origin)!;
      // Each character of an item: the first has the item's origins; the others follow it.
      for (let k = 0; k < item.length; k++) {
        const known = this.find({ client, clock: clock + k });
        if (known) {
          origin = known;
          continue;
        }
        const c: Char = { client, clock: clock + k, origin, rightOrigin, text: item.content.str[k]! };
        this.integrate(c);
        origin = c;
      }
    }
  }

  /** Yjs's `Item.integrate` for one character: where it goes among concurrent inserts. */
  private integrate(c: Char): void {
    const leftIndex = c.origin ? this.chars.indexOf(c.origin) : -1;
    let left = leftIndex;
    let i = leftIndex + 1;
    if ((this.chars[i] ?? null) !== c.rightOrigin) {
      const conflicting = new Set<Char>();
      const beforeOrigin = new Set<Char>();
      for (; i < this.chars.length && this.chars[i] !== c.rightOrigin; i++) {
        const o = this.chars[i]!;
        beforeOrigin.add(o);
        conflicting.add(o);
        if (c.origin === o.origin) {
          if (o.client < c.client) {
            left = i;
            conflicting.clear();
          } else if (c.rightOrigin === o.rightOrigin) {
            break;
          }
        } else if (o.origin !== null && beforeOrigin.has(o.origin)) {
          if (!conflicting.has(o.origin)) {
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

/** Characters of one client with consecutive clocks, as an update (v1), one struct each. */
function encode(client: number, chars: Char[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1); // clients
  encoding.writeVarUint(e, chars.length); // structs of this client
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, chars[0]!.clock);
  for (const c of chars) {
    encoding.writeUint8(e, CONTENT_STRING | (c.origin ? HAS_ORIGIN : 0) | (c.rightOrigin ? HAS_RIGHT_ORIGIN : 0));
    if (c.origin) writeId(e, c.origin);
    if (c.rightOrigin) writeId(e, c.rightOrigin);
    encoding.writeVarString(e, c.text);
  }
  encoding.writeVarUint(e, 0); // delete set: no clients
  return encoding.toUint8Array(e);
}

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
