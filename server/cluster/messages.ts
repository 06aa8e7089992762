/**
 * What server processes (nodes) tell each other about one room, over its Redis channel. Binary,
 * because the payload is mostly Yjs bytes. Decoding is strict: anything that does not parse is
 * dropped by the receiver (Redis is shared infrastructure, not a trusted peer).
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type { Role } from "@/app/lib/permissions";

/** Which user writes (or speaks for presence) under which Yjs client id. */
export type Owners = Array<[clientId: number, userId: string]>;

export interface NodeMember {
  userId: string;
  name: string;
  role: Role;
}

export type ClusterMessage =
  /** A batch of updates this node committed as `seq` (published only after the commit). */
  | { kind: "update"; node: string; seq: number; update: Uint8Array; owners: Owners }
  /** Awareness from this node's connections, already checked and rewritten by it. */
  | { kind: "awareness"; node: string; update: Uint8Array; owners: Owners }
  /** Who has the room open on this node (the whole list; it replaces the previous one). */
  | { kind: "presence"; node: string; members: NodeMember[] }
  /** Close this person's connections to the room, everywhere (their access ended). */
  | { kind: "disconnect"; node: string; userId: string; code: number; reason: string }
  /** A node just opened the room: others answer with their presence and awareness. */
  | { kind: "hello"; node: string };

const KINDS = ["update", "awareness", "presence", "disconnect", "hello"] as const;
const MAX_OWNERS = 10_000;

function writeOwners(e: encoding.Encoder, owners: Owners): void {
  encoding.writeVarUint(e, owners.length);
  for (const [client, user] of owners) {
    encoding.writeVarUint(e, client);
    encoding.writeVarString(e, user);
  }
}

function readOwners(d: decoding.Decoder): Owners {
  const n = decoding.readVarUint(d);
  if (n > MAX_OWNERS) throw new Error("too many owners");
  const owners: Owners = [];
  for (let i = 0; i < n; i++) owners.push([decoding.readVarUint(d), decoding.readVarString(d)]);
  return owners;
}

export function encodeClusterMessage(m: ClusterMessage): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, KINDS.indexOf(m.kind));
  encoding.writeVarString(e, m.node);
  switch (m.kind) {
    case "update":
      encoding.writeVarUint(e, m.seq);
      encoding.writeVarUint8Array(e, m.update);
      writeOwners(e, m.owners);
      break;
    case "awareness":
      encoding.writeVarUint8Array(e, m.update);
      writeOwners(e, m.owners);
      break;
    case "presence":
      encoding.writeVarString(e, JSON.stringify(m.members));
      break;
    case "disconnect":
      encoding.writeVarString(e, m.userId);
      encoding.writeVarUint(e, m.code);
      encoding.writeVarString(e, m.reason);
      break;
    case "hello":
      break;
  }
  return encoding.toUint8Array(e);
}

function isMember(v: unknown): v is NodeMember {
  const m = v as NodeMember;
  return (
    typeof m === "object" && m !== null && typeof m.userId === "string" && typeof m.name === "string" && (m.role === "partner" || m.role === "therapist")
  );
}

/** Throws on anything malformed. */
export function decodeClusterMessage(bytes: Uint8Array): ClusterMessage {
  const d = decoding.createDecoder(bytes);
  const kind = KINDS[decoding.readVarUint(d)];
  const node = decoding.readVarString(d);
  let message: ClusterMessage;
  switch (kind) {
    case "update":
      message = { kind, node, seq: decoding.readVarUint(d), update: decoding.readVarUint8Array(d), owners: readOwners(d) };
      break;
    case "awareness":
      message = { kind, node, update: decoding.readVarUint8Array(d), owners: readOwners(d) };
      break;
    case "presence": {
      const members = JSON.parse(decoding.readVarString(d)) as unknown;
      if (!Array.isArray(members) || !members.every(isMember)) throw new Error("bad presence list");
      message = { kind, node, members: members.map(({ userId, name, role }) => ({ userId, name, role })) };
      break;
    }
    case "disconnect":
      message = { kind, node, userId: decoding.readVarString(d), code: decoding.readVarUint(d), reason: decoding.readVarString(d) };
      break;
    case "hello":
      message = { kind, node };
      break;
    default:
      throw new Error("unknown cluster message");
  }
  if (decoding.hasContent(d)) throw new Error("trailing bytes in cluster message");
  return message;
}
