/**
 * PostgreSQL unavailable for a while: the room keeps working in memory, everyone is told saving
 * is paused, and when the database is back every edit lands and is reported saved. Uses a
 * PostgreSQL of the test's own (tests/helpers/private-postgres.ts), stopped and started for real.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addAgreementItem, commitmentText, findAgreementItem, readAgreement } from "@/app/lib/room-doc";
import { pairedRoom, waitFor } from "../helpers/http";
import { type PrivatePostgres, startPrivatePostgres } from "../helpers/private-postgres";
import { startServer, type TestServer } from "../helpers/server";
import { connectY } from "../helpers/yjs-client";

let pg: PrivatePostgres | null = null;
let server: TestServer | null = null;
// Runs only where PostgreSQL's binaries are installed, in the PGlite project (vitest.config.ts).
beforeAll(async () => {
  pg = await startPrivatePostgres();
  if (!pg) throw new Error("PostgreSQL's binaries are not installed (sudo apt-get install postgresql)");
  const dataDir = mkdtempSync(path.join(tmpdir(), "mend-outage-"));
  server = await startServer({ database: { kind: "postgres", dataDir, databaseUrl: pg.url, drop: async () => {} } });
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

    pg!.start();
    await ana.waitSaved(30_000);
    await ben.waitSaved(30_000);
    for (const c of [ana, ben]) c.close();

    // Everything is really in the database: a restarted server has it.
    const dataDir = server!.database.dataDir;
    await server!.stop();
    server = await startServer({ database: { kind: "postgres", dataDir, databaseUrl: pg!.url, drop: async () => {} } });
    const later = await connectY(server.url, roomId, a.cookie);
    expect(readAgreement(later.doc)[0]!.commitment).toBe("Before. While the database was away.");
    later.close();
  });
});
