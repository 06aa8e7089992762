/**
 * What is saved stays saved: a clean stop flushes every room, and a kill -9 after "Saved" loses
 * nothing. Also compaction, unloading, the embedded database's lock and start-up validation.
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { addAgreementItem, commitmentText, findAgreementItem, readAgreement } from "@/app/lib/room-doc";
import { pairedRoom, type Person, signIn, waitFor } from "../helpers/http";
import { startServer, startServerExpectingFailure, TEST_DB, type TestServer } from "../helpers/server";
import { connectY } from "../helpers/yjs-client";

/** Twelve commitments, each saved before the next: one commit (one row) per edit. */
async function writeTwelveRows(url: string, roomId: string, a: Person) {
  const ana = await connectY(url, roomId, a.cookie);
  for (let i = 0; i < 12; i++) {
    addAgreementItem(ana.doc, { id: `c${i}`, createdBy: a.id, commitment: `commitment ${i}` });
    await ana.waitSaved();
  }
  return ana;
}

/** After the room unloads, it loads back from its log with all twelve; then the server goes. */
async function expectLoadsBackIntact(server: TestServer, roomId: string, a: Person): Promise<void> {
  await waitFor(() => server.logs().includes(`room unloaded room=${roomId}`), "unload after the last member left");
  const again = await connectY(server.url, roomId, a.cookie);
  expect(readAgreement(again.doc).map((i) => i.commitment)).toEqual(Array.from({ length: 12 }, (_, i) => `commitment ${i}`));
  again.close();
  await server.stop();
  await server.database.drop();
}

describe("durability", () => {
  it("SIGKILL right after 'Saved' loses nothing: the edits are there after a restart", async () => {
    const first = await startServer();
    const { a, roomId } = await pairedRoom(first.url);
    const ana = await connectY(first.url, roomId, a.cookie);
    addAgreementItem(ana.doc, { id: "k", createdBy: a.id, commitment: "" });
    const text = commitmentText(findAgreementItem(ana.doc, "k")!.item);
    for (const ch of "No contact, and I tell you if contacted.") text.insert(text.length, ch);
    await ana.waitSaved();
    await first.kill();
    ana.close();

    const second = await startServer({ database: first.database });
    const cookie = await signIn(second.url, a.email, a.password);
    const again = await connectY(second.url, roomId, cookie);
    expect(readAgreement(again.doc)).toEqual([expect.objectContaining({ id: "k", commitment: "No contact, and I tell you if contacted." })]);
    again.close();
    await second.stop();
    await second.database.drop();
  });

  it("SIGTERM flushes edits not yet saved and exits cleanly (code 0)", async () => {
    const first = await startServer({ env: { ROOM_UNLOAD_DELAY_MS: "60000" } });
    const { a, b, roomId } = await pairedRoom(first.url);
    const ana = await connectY(first.url, roomId, a.cookie);
    const ben = await connectY(first.url, roomId, b.cookie);
    const closed = ana.closed;
    for (let i = 0; i < 30; i++) addAgreementItem(ana.doc, { id: `i${i}`, createdBy: a.id, commitment: `item ${i}` });
    // Ben has them once the server has applied them, which is before they are committed:
    // stop at once, without waiting for "saved".
    await waitFor(() => readAgreement(ben.doc).length === 30, "edits applied on the server");
    expect(await first.stop()).toBe(0);
    expect(first.logs()).toContain("stopped cleanly");
    expect((await closed).code).toBe(1001);

    const second = await startServer({ database: first.database });
    const cookie = await signIn(second.url, a.email, a.password);
    const again = await connectY(second.url, roomId, cookie);
    expect(readAgreement(again.doc)).toHaveLength(30);
    again.close();
    await second.stop();
    await second.database.drop();
  });

  it("compacts a long update log into one snapshot and loads it back intact", async () => {
    const server = await startServer({ env: { COMPACTION_THRESHOLD: "5" } });
    const { a, roomId } = await pairedRoom(server.url);
    const ana = await writeTwelveRows(server.url, roomId, a);
    await waitFor(() => server.logs().includes("compacted room log"), "compaction");
    if (TEST_DB === "postgres") {
      const [row] = await server.database.sql!`select count(*)::int as n from room_updates where room_id = ${roomId}`;
      expect(row!.n).toBeLessThan(6);
    }
    ana.close();
    await expectLoadsBackIntact(server, roomId, a);
  });
  it("a long log found at load is rewritten as one row after the room is open, and loads back intact", async () => {
    // Written by a server that does not compact (as after an interrupted compaction)…
    const first = await startServer({ env: { COMPACTION_THRESHOLD: "1000" } });
    const { a, roomId } = await pairedRoom(first.url);
    (await writeTwelveRows(first.url, roomId, a)).close();
    expect(await first.stop()).toBe(0);
    // …and opened by one that keeps logs under 5 rows.
    const server = await startServer({ database: first.database, env: { COMPACTION_THRESHOLD: "5" } });
    const opened = await connectY(server.url, roomId, a.cookie);
    expect(readAgreement(opened.doc)).toHaveLength(12);
    await waitFor(() => server.logs().includes("compacted room log after load"), "the rewrite after load");
    if (TEST_DB === "postgres") {
      const [row] = await server.database.sql!`select count(*)::int as n from room_updates where room_id = ${roomId}`;
      expect(row!.n).toBe(1);
    }
    opened.close();
    await expectLoadsBackIntact(server, roomId, a);
  });
});

describe("start-up", () => {
  it.skipIf(TEST_DB === "postgres")("a second process cannot open the same embedded database folder", async () => {
    const first = await startServer();
    const second = await startServerExpectingFailure({ PORT: "0", DATA_DIR: first.database.dataDir });
    expect(second.code).toBe(1);
    expect(second.output).toMatch(/Another Mend process \(pid \d+\) is using the embedded database/);
    expect(second.output).not.toMatch(/\n\s+at /); // a message, not a stack trace
    // the first one is unharmed
    expect((await fetch(`${first.url}/api/health`)).status).toBe(200);
    await first.stop();
  });

  it("a test server stops by itself when the process that started it is gone", async () => {
    const runner = spawn("sleep", ["60"]);
    const server = await startServer({ env: { MEND_EXIT_WITH_PID: String(runner.pid) } });
    runner.kill("SIGKILL");
    expect(await server.exited).toBe(0);
    expect(server.logs()).toContain("signal=parent exited");
    await server.database.drop();
  });

  it("refuses invalid configuration with a message naming the setting", async () => {
    const result = await startServerExpectingFailure({ PORT: "not-a-port" });
    expect(result.code).toBe(1);
    expect(result.output).toContain("Mend cannot start because its configuration is not valid");
    expect(result.output).toContain("PORT");
  });
});
