/**
 * The textarea binding under pressure: an input method composing while the partner types, and
 * a text already over the length limit (a client that ignored it) being edited.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { addAgreementItem, commitmentText, findAgreementItem, LIMITS, readAgreement } from "@/app/lib/room-doc";
import { launchChromium, openAs } from "../helpers/browser";
import { pairedRoom, waitFor } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";
import { connectY, type YClient } from "../helpers/yjs-client";

let server: TestServer;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await server?.database.drop();
});

/** A room with one commitment, Ana in Chromium and Ben as a Node client. */
async function setUp(initial: string): Promise<{ ana: Page; ben: YClient }> {
  const { a, b, roomId } = await pairedRoom(server.url);
  const ben = await connectY(server.url, roomId, b.cookie);
  addAgreementItem(ben.doc, { id: "item", createdBy: b.id, commitment: initial });
  await ben.waitSaved();
  const ana = await openAs(browser, a, `${server.url}/rooms/${roomId}`);
  await expect.poll(() => ana.getByLabel("Commitment 1").inputValue()).toBe(initial);
  return { ana, ben };
}

const benText = (ben: YClient) => readAgreement(ben.doc)[0]?.commitment;

it("composing with an input method sends nothing until it ends, then lands where it started despite the partner's edit", async () => {
  const { ana, ben } = await setUp("Hello world");
  const box = ana.getByLabel("Commitment 1");
  await box.click();
  await box.press("End");
  const cdp = await ana.context().newCDPSession(ana);
  await cdp.send("Input.imeSetComposition", { text: "に", selectionStart: 1, selectionEnd: 1 });
  await cdp.send("Input.imeSetComposition", { text: "にほ", selectionStart: 2, selectionEnd: 2 });
  // the partner types at the start meanwhile
  commitmentText(findAgreementItem(ben.doc, "item")!.item).insert(0, "Dear ");
  await new Promise((r) => setTimeout(r, 300));
  expect(benText(ben)).toBe("Dear Hello world"); // nothing half-composed was sent
  expect(await box.inputValue()).toBe("Hello worldにほ"); // and the composition was not disturbed
  await cdp.send("Input.insertText", { text: "日本" });
  const merged = "Dear Hello world日本";
  await expect.poll(() => box.inputValue()).toBe(merged);
  await waitFor(() => benText(ben) === merged, "the composed text at Ben");
  ben.close();
});

it("editing a text that is already over the limit never cuts off the partner's words", async () => {
  const tooLong = "b".repeat(LIMITS.commitmentLength + 100); // from a client that ignored the limit
  const { ana, ben } = await setUp(tooLong);
  const box = ana.getByLabel("Commitment 1");
  await box.click();
  await box.press("Control+Home");
  await box.press("Delete");
  await waitFor(() => benText(ben)?.length === tooLong.length - 1, "one character deleted, nothing else");
  await box.press("x"); // no room for an insertion: refused, and nothing else changes
  await new Promise((r) => setTimeout(r, 300));
  expect(benText(ben)).toBe(tooLong.slice(1));
  ben.close();
});
