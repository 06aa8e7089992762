/**
 * PostgreSQL unavailable for a while: the room keeps working in memory, everyone is told saving
 * is paused, and when the database is back every edit lands and is reported saved. Uses a
 * PostgreSQL of the test's own (tests/helpers/private-postgres.ts), stopped and started (or
 * suspended, so that it hangs instead of refusing) for real.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { addAgreementItem, commitmentText, findAgreementItem, readAgreement } from "@/app/lib/room-doc";
import { MessageType } from "@/app/lib/wire";
import { pairedRoom, waitFor } from "../helpers/http";
import { type PrivatePostgres, startPrivatePostgres } from "../helpers/private-postgres";
import { startServer, type TestServer } from "../helpers/server";
import { connectY } from "../helpers/yjs-client";

let pg: PrivatePostgres | null = null;
let server: TestServer | null = null;
/** Small enough to reach with a few paragraphs; a save unanswered for a second counts as failed. */
const UNSAVED_LIMIT = 4096;
const start = (dataDir: string) =>
  startServer({
    database: { kind: "postgres", dataDir, databaseUrl: pg!.url, drop: async () => {} },
    env: { ROOM_UNSAVED_LIMIT_BYTES: String(UNSAVED_LIMIT), SAVE_TIMEOUT_MS: "1000" },
  });
/** What a server started afresh on the same database reads for the room's first item. */
async function savedCommitment(roomId: string, cookie: string): Promise<string | undefined> {
  const dataDir = server!.database.dataDir;
  await server!.stop();
  server = await start(dataDir);
  const later = await connectY(server.url, roomId, cookie);
  try {
    return readAgreement(later.doc)[0]?.commitment;
  } finally {
    later.close();
  }
}
const savedFrames = (c: { frames: Uint8Array[] }) => c.frames.filter((f) => f[0] === MessageType.saved).length;
// Runs only where PostgreSQL's binaries are installed, in the PGlite project (vitest.config.ts).
beforeAll(async () => {
  pg = await startPrivatePostgres();
  if (!pg) throw new Error("PostgreSQL's binaries are not installed (sudo apt-get install postgresql)");
  server = await start(mkdtempSync(path.join(tmpdir(), "mend-outage-")));
}, 60_000);
afterAll(async () => {
  await server?.stop();
  pg?.destroy();
});

describe("when PostgreSQL goes away for a while", () => {
  it("the room keeps working, says saving is paused, and saves everything when it is back", async () => {
    const { a, b, roomId } = await pairedRoom(server!.url);
    const [ana, ben] = await Promise.all([connectY(server!.url, roomId, a.cookie), connectY(server!.url, roomId, b.cookie)]);
    addAgreementItem(ana.doc, { id: "item-1", createdBy: a.id, commitment: "Before. " });
    await ana.waitSaved();

    pg!.stop();
    const text = commitmentText(findAgreementItem(ana.doc, "item-1")!.item);
    for (const word of ["While ", "the ", "database ", "was ", "away."]) text.insert(text.length, word);
    // Ben still sees every word live…
    await waitFor(() => readAgreement(ben.doc)[0]?.commitment === "Before. While the database was away.", "edits reach Ben");
    // …and both are told, plainly, that saving is paused.
    await waitFor(() => ana.notices.some((n) => n.kind === "saving-paused") && ben.notices.some((n) => n.kind === "saving-paused"), "told saving is paused");
    expect(ana.notices.find((n) => n.kind === "saving-paused")!.message).toMatch(/saved as soon as it is back/);
    const benHeard = savedFrames(ben);

    pg!.start();
    await ana.waitSaved(30_000);
    // Ben wrote nothing, but was told saving paused: he hears that it is back.
    await waitFor(() => savedFrames(ben) > benHeard, "Ben told saving is back", 30_000);
    for (const c of [ana, ben]) c.close();

    // Everything is really in the database: a restarted server has it.
    expect(await savedCommitment(roomId, a.cookie)).toBe("Before. While the database was away.");
  });

  it("a room holding all the unsaved work it may leaves new words with their writer, and takes them when saving is back", async () => {
    const { a, b, roomId } = await pairedRoom(server!.url);
    const [ana, ben] = await Promise.all([connectY(server!.url, roomId, a.cookie), connectY(server!.url, roomId, b.cookie)]);
    addAgreementItem(ana.doc, { id: "item-1", createdBy: a.id, commitment: "" });
    await ana.waitSaved();

    pg!.stop();
    const text = commitmentText(findAgreementItem(ana.doc, "item-1")!.item);
    const paragraph = (n: number) => `Paragraph ${n}: ${"we talk it through before we decide. ".repeat(8)}\n`;
    let written = 0;
    // Until the room is full: each paragraph is about 300 bytes of update.
    while (!ana.notices.some((n) => n.kind === "saving-full")) {
      expect(written, "the room never said it was full").toBeLessThan(2 * (UNSAVED_LIMIT / 300) + 10);
      text.insert(text.length, paragraph(++written));
      await waitFor(() => readAgreement(ben.doc)[0]!.commitment.length === text.length || ana.notices.some((n) => n.kind === "saving-full"), "paragraph shared or held");
    }
    const full = ana.notices.find((n) => n.kind === "saving-full")!;
    expect(full.message).toMatch(/stays on this device/);
    expect(ana.notices.some((n) => n.kind === "update-refused"), "nothing is refused").toBe(false);
    // Ana keeps writing; the room holds none of it, so Ben does not see it yet.
    for (let n = 0; n < 3; n++) text.insert(text.length, paragraph(++written));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(readAgreement(ben.doc)[0]!.commitment.length).toBeLessThan(text.length);

    pg!.start();
    // Ana goes on writing while saving comes back: keystrokes sent around the server's request
    // for her held words build on words it has not taken yet, and must not be refused.
    for (let n = 0; n < 20; n++) {
      text.insert(text.length, `${n} `);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const everything = text.toString();
    // The server asks Ana for what it lacks; her held words are judged, shared and saved.
    await ana.waitSaved(30_000);
    await waitFor(() => readAgreement(ben.doc)[0]?.commitment === everything, "Ben sees every word", 10_000);
    await ben.waitSaved(10_000);
    expect(ana.notices.filter((n) => n.kind === "update-refused"), "nothing refused").toEqual([]);
    for (const c of [ana, ben]) c.close();
    expect(await savedCommitment(roomId, a.cookie)).toBe(everything);
  });

  it("a database that hangs instead of refusing is treated as away, and nothing is lost when it answers again", async () => {
    const { a, b, roomId } = await pairedRoom(server!.url);
    const [ana, ben] = await Promise.all([connectY(server!.url, roomId, a.cookie), connectY(server!.url, roomId, b.cookie)]);
    addAgreementItem(ana.doc, { id: "item-1", createdBy: a.id, commitment: "Before. " });
    await ana.waitSaved();

    pg!.freeze();
    try {
      const text = commitmentText(findAgreementItem(ana.doc, "item-1")!.item);
      for (const word of ["While ", "it ", "hung."]) text.insert(text.length, word);
      await waitFor(() => readAgreement(ben.doc)[0]?.commitment === "Before. While it hung.", "edits reach Ben");
      // No answer within SAVE_TIMEOUT_MS counts as a failure: both are told saving is paused.
      await waitFor(() => ana.notices.some((n) => n.kind === "saving-paused") && ben.notices.some((n) => n.kind === "saving-paused"), "told saving is paused", 10_000);
    } finally {
      pg!.thaw();
    }
    await ana.waitSaved(30_000);
    await ben.waitSaved(30_000);
    for (const c of [ana, ben]) c.close();
    expect(await savedCommitment(roomId, a.cookie)).toBe("Before. While it hung.");
  });

  it("a connection that sends words the room already has, not yet committed, is told when they are", async () => {
    const { a, roomId } = await pairedRoom(server!.url);
    // Two connections of Ana's (a reconnect does the same: the new one sends what the old one had sent).
    const [first, second] = await Promise.all([connectY(server!.url, roomId, a.cookie), connectY(server!.url, roomId, a.cookie)]);
    addAgreementItem(first.doc, { id: "item-1", createdBy: a.id, commitment: "" });
    await first.waitSaved();
    await waitFor(() => findAgreementItem(second.doc, "item-1"), "item on the second connection");

    pg!.freeze();
    try {
      const before = Y.encodeStateVector(first.doc);
      commitmentText(findAgreementItem(first.doc, "item-1")!.item).insert(0, "Said twice.");
      // The same words, written into the second doc before the server's copy reaches it: the
      // second connection sends them too, and the room, which has them already, takes nothing.
      Y.applyUpdate(second.doc, Y.encodeStateAsUpdate(first.doc, before), "typed here");
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      pg!.thaw();
    }
    await first.waitSaved(10_000);
    await second.waitSaved(10_000);
    // Told because its words were committed, not because everyone heard saving was back.
    expect(second.notices.filter((n) => n.kind === "saving-paused")).toEqual([]);
    for (const c of [first, second]) c.close();
  });
});
