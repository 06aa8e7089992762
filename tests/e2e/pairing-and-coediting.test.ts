/**
 * Two people in two browsers: sign up, pair through the invite link, type in one commitment at
 * the same time, see the merged text, each other's presence and caret, and "saved". A third
 * person is kept out.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../helpers/browser";
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

async function signUpInBrowser(page: Page, name: string) {
  await page.getByLabel("What should we call you?").fill(name);
  await page.getByLabel("E-mail").fill(`${name.toLowerCase()}-${randomBytes(3).toString("hex")}@example.org`);
  await page.getByLabel("Password").fill("a long and calm password");
  await page.getByRole("button", { name: "Create account" }).click();
}

it("two partners pair through an invite link and co-edit one commitment live", async () => {
  const ana = await (await browser.newContext()).newPage();
  const ben = await (await browser.newContext()).newPage();

  // Ana signs up and opens a room
  await ana.goto(`${server.url}/`);
  await ana.getByRole("link", { name: "Create an account" }).first().click();
  await signUpInBrowser(ana, "Ana");
  await ana.waitForURL(/\/rooms$/);
  await ana.getByRole("button", { name: "Yes, I feel safe" }).click();
  await ana.getByLabel(/Name it something/).fill("Our Sunday talks");
  await ana.getByRole("button", { name: "Open room" }).click();
  await ana.waitForURL(/\/rooms\/[0-9a-f-]{36}$/);
  const roomUrl = ana.url();
  await expect.poll(() => ana.getByTestId("connection").textContent()).toContain("Connected");

  // …and creates an invite link for Ben
  await ana.getByRole("button", { name: "Create a link for my partner" }).click();
  const inviteUrl = await ana.getByLabel(/Invite link for your partner/).inputValue();
  expect(inviteUrl).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);

  // Ben opens it, signs up from it, comes back to it and joins
  await ben.goto(inviteUrl);
  await expect.poll(() => ben.getByRole("heading", { level: 1 }).textContent()).toContain("invited to a private room");
  await ben.getByRole("link", { name: "Create an account" }).last().click();
  await signUpInBrowser(ben, "Ben");
  await ben.waitForURL(inviteUrl);
  await ben.getByRole("button", { name: "Yes, I feel safe" }).click();
  await ben.getByRole("button", { name: "Join the room" }).click();
  await ben.waitForURL(roomUrl);
  await expect.poll(() => ben.getByTestId("connection").textContent()).toContain("Connected");

  // each sees the other present
  await expect.poll(() => ana.getByTestId("presence").textContent()).toContain("Ben (partner) · here now");
  await expect.poll(() => ben.getByTestId("presence").textContent()).toContain("Ana (partner) · here now");

  // Ana adds a commitment; both type in it at the same time
  await ana.getByRole("button", { name: "Add a commitment" }).click();
  const anaBox = ana.getByLabel("Commitment 1");
  const benBox = ben.getByLabel("Commitment 1");
  await expect.poll(() => benBox.count()).toBe(1);
  await anaBox.click();
  await ana.keyboard.type("We talk.");
  await expect.poll(() => benBox.inputValue()).toBe("We talk.");
  await benBox.click();
  await ben.keyboard.press("Control+Home");
  await anaBox.press("End");
  await Promise.all([
    ana.keyboard.type(" Every evening, ten minutes.", { delay: 15 }),
    ben.keyboard.type("Both of us: ", { delay: 15 }),
  ]);
  const merged = "Both of us: We talk. Every evening, ten minutes.";
  await expect.poll(() => anaBox.inputValue()).toBe(merged);
  await expect.poll(() => benBox.inputValue()).toBe(merged);

  // Ben sees where Ana's caret is, and her name on it while she types
  await anaBox.focus();
  await expect.poll(() => ben.getByTestId("agreement-item").first().locator('[data-caret="Ana"]').count()).toBe(1);
  await ana.keyboard.type(" ");
  await expect.poll(() => ben.getByTestId("agreement-item").first().locator('[data-caret="Ana"]').textContent()).toBe("Ana");
  await ana.keyboard.press("Backspace");

  // "Saved" only when committed
  await expect.poll(() => ana.getByTestId("save-state").getAttribute("data-state")).toBe("saved");
  await expect.poll(() => ben.getByTestId("save-state").getAttribute("data-state")).toBe("saved");

  // While Ana types, Ben's page, which wrote none of it, never says "Saving…" (decision 014)
  await ben.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { saveStates: string[] }).saveStates = seen;
    const record = () => seen.push(document.querySelector('[data-testid="save-state"]')?.getAttribute("data-state") ?? "none");
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"] });
  });
  await anaBox.press("End");
  await ana.keyboard.type(" Gently.", { delay: 30 });
  const final = `${merged} Gently.`;
  await expect.poll(() => benBox.inputValue()).toBe(final);
  await expect.poll(() => ana.getByTestId("save-state").getAttribute("data-state")).toBe("saved");
  const benStates = await ben.evaluate(() => (window as unknown as { saveStates: string[] }).saveStates);
  expect(benStates.filter((state) => state !== "saved")).toEqual([]);

  // a reload shows what was saved
  await ben.reload();
  await expect.poll(() => ben.getByLabel("Commitment 1").inputValue()).toBe(final);

  // a third person is kept out of the room and cannot reuse the invite
  const cy = await (await browser.newContext()).newPage();
  await cy.goto(`${server.url}/signup`);
  await signUpInBrowser(cy, "Cy");
  await cy.waitForURL(/\/rooms$/);
  await cy.goto(roomUrl);
  await expect.poll(() => cy.getByRole("heading", { level: 1 }).textContent()).toBe("This room is not open to you");
  expect(await cy.getByLabel("Commitment 1").count()).toBe(0);
  await cy.goto(inviteUrl);
  await expect.poll(() => cy.locator("main").textContent()).toContain("already been used");

  // someone checking a link for their own room is told so, not offered to join again
  await ana.goto(inviteUrl);
  await expect.poll(() => ana.getByRole("heading", { level: 1 }).textContent()).toBe("You are already in “Our Sunday talks”");
  await ana.getByRole("link", { name: "Open the room" }).click();
  await ana.waitForURL(roomUrl);
});

it("an invite link that has not been used can be withdrawn, and then says so", async () => {
  const ana = await (await browser.newContext()).newPage();
  await ana.goto(`${server.url}/signup`);
  await signUpInBrowser(ana, "Ana");
  await ana.waitForURL(/\/rooms$/);
  await ana.getByRole("button", { name: "Yes, I feel safe" }).click();
  await ana.getByLabel(/Name it something/).fill("Second room");
  await ana.getByRole("button", { name: "Open room" }).click();
  await ana.waitForURL(/\/rooms\/[0-9a-f-]{36}$/);
  await ana.getByRole("button", { name: "Create a link for our therapist" }).click();
  const inviteUrl = await ana.getByLabel(/Invite link for your therapist/).inputValue();
  const openLinks = ana.getByRole("list", { name: "Links not used yet" });
  await expect.poll(() => openLinks.textContent()).toContain("For a therapist");
  await openLinks.getByRole("button", { name: "Withdraw" }).click();
  await expect.poll(() => ana.getByRole("list", { name: "Links not used yet" }).count()).toBe(0);

  const tess = await (await browser.newContext()).newPage();
  await tess.goto(`${server.url}/signup?next=${encodeURIComponent(new URL(inviteUrl).pathname)}`);
  await signUpInBrowser(tess, "Tess");
  await tess.waitForURL(inviteUrl);
  await expect.poll(() => tess.locator("main").textContent()).toContain("This invite link was withdrawn");
});
