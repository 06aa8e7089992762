/**
 * The frames a room sends most (an update for everyone, "saved" for everyone after each commit,
 * presence changes): one or two small message-type numbers, then one length-prefixed payload.
 * Written straight into one buffer of the exact size; lib0's encoder starts with a 100-byte
 * buffer and copies it out at the end, per frame.
 */

/** lib0's varuint: 7 bits a byte, low bits first. */
function varUintLength(n: number): number {
  let length = 1;
  while (n > 0x7f) {
    n = Math.floor(n / 128);
    length++;
  }
  return length;
}

function writeVarUint(out: Uint8Array, at: number, n: number): number {
  while (n > 0x7f) {
    out[at++] = 0x80 | (n & 0x7f);
    n = Math.floor(n / 128);
  }
  out[at++] = n;
  return at;
}

/** `type`, then `subType` unless it is null, then `payload` with its length (as lib0 writes them). */
export function payloadFrame(type: number, subType: number | null, payload: Uint8Array): Uint8Array {
  const head = varUintLength(type) + (subType === null ? 0 : varUintLength(subType));
  const out = new Uint8Array(head + varUintLength(payload.byteLength) + payload.byteLength);
  let at = writeVarUint(out, 0, type);
  if (subType !== null) at = writeVarUint(out, at, subType);
  at = writeVarUint(out, at, payload.byteLength);
  out.set(payload, at);
  return out;
}
