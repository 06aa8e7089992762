/** Updates no Yjs client would send, built struct by struct, for the tests of a misbehaving client. */
import * as encoding from "lib0/encoding";
import * as Y from "yjs";

/**
 * Three structs of two new client ids (`base + 1`, `base + 2`) that wait for each other in a
 * circle: x (one@0) follows y; y (two@0) follows one@1, which comes after x and opens the text
 * whose item is `textItem`. Each reference exists in the update; Yjs can integrate none of them.
 */
export function circularUpdate(base: number, textItem: Y.ID): Uint8Array {
  const [one, two] = [base + 1, base + 2];
  const structs = [
    new Y.Item(Y.createID(one, 0), null, Y.createID(two, 0), null, null, null, null, new Y.ContentString("x")),
    new Y.Item(Y.createID(one, 1), null, null, null, null, textItem as never, null, new Y.ContentString("w")),
    new Y.Item(Y.createID(two, 0), null, Y.createID(one, 1), null, null, null, null, new Y.ContentString("y")),
  ];
  const encoder = new Y.UpdateEncoderV1();
  const w = (n: number) => encoding.writeVarUint(encoder.restEncoder, n);
  w(2); // two clients, the higher id first (as Yjs writes them)
  for (const [client, list] of [[two, structs.slice(2)], [one, structs.slice(0, 2)]] as const) {
    w(list.length);
    encoder.writeClient(client);
    w(0); // the first clock
    for (const item of list) item.write(encoder, 0);
  }
  w(0); // no deletions
  return encoder.toUint8Array();
}
