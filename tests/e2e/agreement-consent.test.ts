/**
 * Two partners draft an item together, both agree, one edits (both consents clear, visibly),
 * both agree again. Each partner writes only their own need statement.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchChromium, openRoom } from "../helpers/browser";
import { pairedRoom, type Person } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";

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

const open = (person: Person, roomId: string, viewport = { width: 1100, height: 900 }): Promise<Page> =>
  openRoom(browser, server.url, person, roomId, { viewport });

it("drafting together, agreeing, an edit clearing both consents, agreeing again, signing, history and exports", async () => {
  const { a, b, roomId } = await pairedRoom(server.url);
  const ana = await open(a, roomId);
  const ben = await open(b, roomId, { width: 390, height: 844 }); // Ben is on a phone

  // Ana starts from a template
  await ana.getByLabel("Start from").selectOption({ label: "A daily check-in" });
  await ana.getByRole("button", { name: "Add a commitment" }).click();
  const benItem = ben.getByTestId("agreement-item").first();
  await expect.poll(() => ben.getByLabel("Commitment 1").inputValue()).toContain("10 to 15 minutes");
  await expect.poll(() => benItem.getByTestId("item-status").textContent()).toBe("Draft");

  // Ben writes his need; Ana sees it but has no field to change it
  await benItem.getByText("Details: who, why, what is shared, dates").click();
  await benItem.getByLabel("My need").fill("I need this because the evenings are when I worry most.");
  const anaItem = ana.getByTestId("agreement-item").first();
  await anaItem.getByText("Details: who, why, what is shared, dates").click();
  await expect.poll(() => anaItem.textContent()).toContain("the evenings are when I worry most");
  expect(await anaItem.getByLabel("Ben’s need").count()).toBe(0);

  // both agree
  await anaItem.getByRole("button", { name: "I agree to this wording" }).click();
  await expect.poll(() => benItem.getByTestId("consent-summary").textContent()).toContain("Ana agreed to this wording.");
  await expect.poll(() => benItem.getByTestId("item-status").textContent()).toBe("Waiting for the other partner");
  await benItem.getByRole("button", { name: "I agree to this wording" }).click();
  await expect.poll(() => anaItem.getByTestId("item-status").textContent()).toBe("✓ Agreed by both");
  expect(await anaItem.getByRole("button", { name: "Remove" }).count()).toBe(0); // agreed items are not simply removed
  await expect.poll(() => anaItem.getByTestId("item-history").textContent()).toContain("Ben agreed to the wording of that time");
  expect(await anaItem.getByTestId("item-history").textContent()).toContain("Proposed by Ana");

  // Ben changes the wording: both consents clear, and both see why
  await ben.getByLabel("Commitment 1").click();
  await ben.getByLabel("Commitment 1").press("End");
  await ben.keyboard.type(" Phones away.");
  await expect.poll(() => anaItem.getByTestId("item-status").textContent()).toBe("Draft");
  await expect.poll(() => anaItem.getByTestId("changed-since").count()).toBe(1);
  await expect.poll(() => anaItem.getByTestId("consent-summary").textContent()).toBe("You have not agreed yet. Ben has not agreed yet.");

  // and agree again to the new wording
  await anaItem.getByRole("button", { name: "I agree to this wording" }).click();
  await expect.poll(() => benItem.getByRole("button", { name: "I agree to this wording" }).isEnabled()).toBe(true);
  await benItem.getByRole("button", { name: "I agree to this wording" }).click();
  await expect.poll(() => anaItem.getByTestId("item-status").textContent()).toBe("✓ Agreed by both");
  await expect.poll(() => benItem.getByTestId("item-status").textContent()).toBe("✓ Agreed by both");
  await expect.poll(() => ana.getByTestId("save-state").getAttribute("data-state")).toBe("saved");

  // a check-in on the agreed item reaches Ben without a reload
  await anaItem.getByTestId("check-ins").getByPlaceholder("A note, if you like").fill("Ten good minutes.");
  await anaItem.getByTestId("check-ins").getByRole("button", { name: "Kept it" }).click();
  await expect.poll(() => benItem.getByRole("list", { name: "Recent check-ins" }).textContent()).toContain("Ana, today: kept it · “Ten good minutes.”");
  expect(await benItem.getByRole("img", { name: /Ana, last 14 days: kept 1/ }).count()).toBe(1);

  // Ana proposes to sign; both confirm with their passwords
  await ana.getByRole("button", { name: "Propose to sign" }).click();
  await expect.poll(() => ben.getByTestId("signing-proposal").textContent()).toContain("Ana proposed to sign the 1 agreed commitment");
  await ana.getByLabel(/Your password/).fill("wrong password");
  await ana.getByRole("button", { name: "Sign this version" }).click();
  await expect.poll(() => ana.getByRole("alert").filter({ hasText: "password does not match" }).count()).toBe(1);
  await ana.getByLabel(/Your password/).fill(a.password);
  await ana.getByRole("button", { name: "Sign this version" }).click();
  await expect.poll(() => ben.getByTestId("signing-proposal").textContent()).toContain("Ana: signed");
  await ben.getByLabel(/Your password/).fill(b.password);
  await ben.getByRole("button", { name: "Sign this version" }).click();
  const history = ana.getByRole("list", { name: "Signed versions" });
  await expect.poll(() => history.textContent()).toContain("Version 1");

  // the version page, with its hash, prints cleanly and exports as Markdown
  await history.getByRole("link", { name: "Version 1" }).click();
  await ana.waitForURL(/\/versions\/1$/);
  await expect.poll(() => ana.locator("article").textContent()).toContain("Phones away.");
  const hash = ((await ana.getByTestId("version-hash").textContent()) ?? "").replace("SHA-256: ", "");
  expect(hash).toMatch(/^[0-9a-f]{64}$/);
  await ana.emulateMedia({ media: "print" });
  expect(await ana.getByRole("button", { name: "Print or save as PDF" }).isVisible()).toBe(false);
  expect(await ana.getByRole("navigation", { name: "Main" }).isVisible()).toBe(false);
  await ana.emulateMedia({ media: "screen" });
  const download = await ana.request.get(`${server.url}/api/rooms/${roomId}/versions/1/markdown`);
  expect(download.status()).toBe(200);
  expect(await download.text()).toContain(hash);
});
