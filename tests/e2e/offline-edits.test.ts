/**
 * Edits made while the server is unreachable are kept in the browser (IndexedDB) until they are
 * saved: the tab can be closed, and when the room is opened again they are merged and saved.
 * Nothing is kept once everything is saved.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import * as Y from "yjs";
import { addAgreementItem, readAgreement } from "@/app/lib/room-doc";
import { launchChromium, openAs } from "../helpers/browser";
import { pairedRoom, signIn, waitFor } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";
import { connectY } from "../helpers/yjs-client";

/** Nothing listens here: the neutral page fails to load, which is fine; it is not Mend. */
const NEUTRAL = "http://127.0.0.1:59999/weather";
const env = { QUICK_EXIT_URL: NEUTRAL };

let server: TestServer;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ env }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await server?.database.drop();
});

/** How many unsaved copies this browser keeps (any room, any person). */
const keptCopies = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open("mend-offline", 1);
        open.onupgradeneeded = () => open.result.createObjectStore("unsaved");
        open.onsuccess = () => {
          const count = open.result.transaction("unsaved").objectStore("unsaved").count();
          count.onsuccess = () => {
            open.result.close();
            resolve(count.result);
          };
        };
        open.onerror = () => resolve(-1);
      }),
  );

/** The commitment text of the copy this browser keeps (one room, one person), or null. */
const keptCommitment = async (page: Page) => {
  const bytes = await page.evaluate(
    () =>
      new Promise<number[] | null>((resolve) => {
        const open = indexedDB.open("mend-offline", 1);
        open.onupgradeneeded = () => open.result.createObjectStore("unsaved");
        open.onsuccess = () => {
          const all = open.result.transaction("unsaved").objectStore("unsaved").getAll();
          all.onsuccess = () => {
            open.result.close();
            const first = all.result[0] as Uint8Array | undefined;
            resolve(first ? Array.from(first) : null);
          };
        };
        open.onerror = () => resolve(null);
      }),
  );
  if (!bytes) return null;
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Uint8Array.from(bytes));
  return readAgreement(doc)[0]?.commitment ?? null;
};

it("words written while the server is away survive closing the tab, and are saved when the room opens again", async () => {
  const { a, b, roomId } = await pairedRoom(server.url);
  const ben = await connectY(server.url, roomId, b.cookie);
  addAgreementItem(ben.doc, { id: "item", createdBy: b.id, commitment: "We call" });
  await ben.waitSaved();
  ben.close();

  const ana = await openAs(browser, a, `${server.url}/rooms/${roomId}`);
  const box = ana.getByLabel("Commitment 1");
  await expect.poll(() => box.inputValue()).toBe("We call");
  await expect.poll(() => keptCopies(ana)).toBe(0);

  // The server goes away; Ana keeps writing, and sees that it is not saved.
  const port = server.port;
  await server.kill();
  await expect.poll(() => ana.getByTestId("connection").textContent()).toMatch(/Connection lost/);
  await box.click();
  await box.press("End");
  await box.pressSequentially(" when we are late");
  // Every word is in this browser's copy (not only the first ones) before the tab closes.
  await expect.poll(() => keptCommitment(ana)).toBe("We call when we are late");
  expect(await keptCopies(ana)).toBe(1);
  // She closes the tab before the server is back: only this browser has her words.
  const context = ana.context();
  await ana.close();

  server = await startServer({ database: server.database, env: { ...env, PORT: String(port) } });
  const again = await context.newPage();
  await again.goto(`${server.url}/rooms/${roomId}`);
  await again.getByTestId("connection").getByText("Connected", { exact: true }).waitFor();
  await expect.poll(() => again.getByLabel("Commitment 1").inputValue()).toBe("We call when we are late");
  // Saved on the server (Ben reads it), and then nothing is kept in the browser any more.
  const reader = await connectY(server.url, roomId, await signIn(server.url, b.email, b.password));
  await waitFor(() => readAgreement(reader.doc)[0]?.commitment === "We call when we are late", "Ben reads the offline words");
  reader.close();
  await expect.poll(() => keptCopies(again)).toBe(0);
});

it("the quick exit removes any unsaved copy from the browser", async () => {
  const { a, b, roomId } = await pairedRoom(server.url);
  const ben = await connectY(server.url, roomId, b.cookie);
  addAgreementItem(ben.doc, { id: "item", createdBy: b.id, commitment: "We" });
  await ben.waitSaved();
  ben.close();
  const ana = await openAs(browser, a, `${server.url}/rooms/${roomId}`);
  await expect.poll(() => ana.getByLabel("Commitment 1").inputValue()).toBe("We");
  const port = server.port;
  await server.kill();
  await ana.getByLabel("Commitment 1").click();
  await ana.getByLabel("Commitment 1").pressSequentially(" talk");
  await expect.poll(() => keptCopies(ana)).toBe(1);
  server = await startServer({ database: server.database, env: { ...env, PORT: String(port) } });
  await ana.getByTestId("quick-exit").click();
  await expect.poll(() => ana.url()).not.toContain(server.url);
  const check = await ana.context().newPage();
  await check.goto(`${server.url}/signin`);
  expect(await keptCopies(check)).toBe(0);
});
