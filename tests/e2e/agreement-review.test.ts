/** An agreed item whose review date has come: reviewed in the browser, kept by one, retired by both. */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { hashItemContent } from "@/app/lib/agreement";
import { addAgreementItem, readAgreement } from "@/app/lib/room-doc";
import { launchChromium, openRoom } from "../helpers/browser";
import { pairedRoom, type Person } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";
import { command, connectSocket } from "../helpers/socket";
import { connectY } from "../helpers/yjs-client";

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

const open = (person: Person, roomId: string): Promise<Page> => openRoom(browser, server.url, person, roomId);

it("a due review is started, the partners choose, and the item is retired", async () => {
  const { a, b, roomId } = await pairedRoom(server.url);
  const y = await connectY(server.url, roomId, a.cookie);
  const item = addAgreementItem(y.doc, { id: "i", createdBy: a.id, commitment: "Phones stay open for 90 days." });
  item.set("reviewDate", new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10));
  await y.waitSaved();
  const hash = await hashItemContent(readAgreement(y.doc)[0]!);
  const [sa, sb] = await Promise.all([connectSocket(server.url, a.cookie), connectSocket(server.url, b.cookie)]);
  await command(sa, "agreement:consent", { roomId, itemId: "i", hash });
  await command(sb, "agreement:consent", { roomId, itemId: "i", hash });
  y.close();

  const ana = await open(a, roomId);
  const ben = await open(b, roomId);
  await expect.poll(() => ana.getByTestId("review-due").textContent()).toContain("Its review date has come");
  await ana.getByRole("button", { name: "Start the review" }).click();
  // Ana's own view first, with any error shown on her page, so a failure says which side broke
  await expect
    .poll(async () => ((await ana.getByTestId("review").count()) > 0 ? "review" : ((await ana.getByRole("alert").allTextContents()).join(" ") || "nothing yet")))
    .toBe("review");
  await expect.poll(() => ben.getByTestId("review").textContent()).toContain("Ana has not chosen yet.");
  await ana.getByRole("button", { name: "Keep it as it is" }).click();
  await ben.getByRole("button", { name: "Retire it" }).click();
  await expect.poll(() => ana.getByTestId("review").textContent()).toContain("You chose differently");
  await ana.getByRole("button", { name: "Retire it" }).click();
  await expect.poll(() => ben.getByTestId("item-status").textContent()).toBe("Retired");
  await expect.poll(() => ben.getByTestId("consent-summary").textContent()).toContain("left out of the next signed version");
  for (const s of [sa, sb]) s.close();
});
