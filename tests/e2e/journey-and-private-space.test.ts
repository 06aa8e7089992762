/**
 * The journey with two partners: a private draft stays private until its author shares it, and
 * stops being visible when taken back; the quick exit leaves no Mend page in the tab's history;
 * the safety check before pairing records nothing.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchChromium, openAs, openRoom } from "../helpers/browser";
import { api, newPerson, pairedRoom } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";

/** Nothing listens here: the neutral page fails to load, which is fine; it is not Mend. */
const NEUTRAL = "http://127.0.0.1:59999/weather";

let server: TestServer;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ env: { QUICK_EXIT_URL: NEUTRAL } }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await server?.database.drop();
});

it("a private draft stays private until shared, and stops being visible when taken back", async () => {
  const { a, b, roomId } = await pairedRoom(server.url);
  const ana = await openAs(browser, a, `${server.url}/rooms/${roomId}/private`);
  const ben = await openRoom(browser, server.url, b, roomId);

  const section = ana.getByRole("region", { name: "Acknowledging what happened" });
  await section.getByRole("button", { name: "Start writing" }).click();
  await section.getByLabel(/What happened/).fill("I kept the messages from you for months.");
  await section.getByRole("button", { name: "Save" }).click();
  await expect.poll(() => section.getByTestId("private-save-state").textContent()).toContain("Saved");

  // Not shared: nothing of it in Ben's room, his private space, or his journey.
  const benPrivate = await openAs(browser, b, `${server.url}/rooms/${roomId}/private`);
  await benPrivate.getByText("Nothing is shared with you right now.").waitFor();
  expect(await ben.getByTestId("room-shared-with-you").count()).toBe(0);
  expect(await ben.content()).not.toContain("kept the messages");
  const benJourney = await openAs(browser, b, `${server.url}/rooms/${roomId}/journey`);
  expect(await benJourney.getByTestId("journey-step").first().textContent()).toContain("not started yet");

  // Shared: Ben reads it in the live room without reloading.
  await section.getByLabel("Share with Ben").check();
  await expect.poll(() => ben.getByTestId("room-shared-with-you").textContent()).toContain("I kept the messages from you for months.");
  await benJourney.reload();
  expect(await benJourney.getByTestId("journey-step").first().textContent()).toContain("begun");

  // Taken back: it disappears from Ben's room.
  await section.getByLabel("Share with Ben").uncheck();
  await expect.poll(() => ben.getByTestId("room-shared-with-you").count()).toBe(0);
  await benPrivate.reload();
  await benPrivate.getByText("Nothing is shared with you right now.").waitFor();
});

it("the quick exit (Escape twice) leaves no Mend page in the tab's history", async () => {
  const page: Page = await (await browser.newContext()).newPage();
  await page.goto(`${server.url}/signup`);
  await page.getByLabel("What should we call you?").fill("Ana");
  await page.getByLabel("E-mail").fill(`ana-${randomBytes(3).toString("hex")}@example.org`);
  await page.getByLabel("Password").fill("a long and calm password");
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/rooms$/);
  await page.getByRole("button", { name: "Yes, I feel safe" }).click();
  await page.getByLabel(/Name it something/).fill("Our room");
  await page.getByRole("button", { name: "Open room" }).click();
  await page.waitForURL(/\/rooms\/[0-9a-f-]{36}$/);
  await page.getByRole("link", { name: "Our journey" }).click();
  await page.waitForURL(/\/journey$/);
  await page.getByRole("link", { name: "The room" }).click();
  await page.waitForURL(/\/rooms\/[0-9a-f-]{36}$/);
  await page.getByTestId("connection").getByText("Connected").waitFor();
  // However many Mend pages were visited, the tab holds one entry for Mend (and its blank start).
  expect(await page.evaluate(() => history.length)).toBe(2);

  await page.keyboard.press("Escape");
  await page.keyboard.press("Escape");
  // The neutral page itself fails to load here (nothing listens); only where the tab went matters.
  await expect.poll(() => page.url()).not.toContain(server.url);
  // Back goes to where the tab was before Mend, never to a Mend page.
  await page.goBack().catch(() => null);
  expect(page.url()).not.toContain(server.url);
  await page.goForward().catch(() => null);
  expect(page.url()).not.toContain(server.url);
});

it("the quick exit button is on every page, signed in or not", async () => {
  const page = await (await browser.newContext()).newPage();
  for (const path of ["/", "/signin", "/signup"]) {
    await page.goto(`${server.url}${path}`);
    expect(await page.getByTestId("quick-exit").isVisible()).toBe(true);
  }
  await page.getByTestId("quick-exit").click();
  await expect.poll(() => page.url()).not.toContain(server.url);
});

it("the safety check before pairing: 'not safe' shows help and records nothing", async () => {
  const sam = await newPerson(server.url, "Sam");
  const page = await openAs(browser, sam, `${server.url}/rooms`);
  await page.getByRole("button", { name: "No, or I am not sure" }).click();
  await page.getByTestId("safety-unsafe").waitFor();
  expect(await page.getByTestId("safety-unsafe").textContent()).toContain("Mend is not the right tool for now");
  expect(await page.getByRole("button", { name: "Open room" }).count()).toBe(0);
  expect((await api(server.url, "GET", "/api/rooms", { cookie: sam.cookie })).body.rooms).toEqual([]);
});

it("signing in: a wrong password is said gently and keeps the e-mail; the right one opens the rooms (replacing, not adding, history)", async () => {
  const sam = await newPerson(server.url, "Sam");
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${server.url}/signin`);
  await page.getByLabel("E-mail").fill(sam.email);
  await page.getByLabel("Password").fill("not the password at all");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect.poll(() => page.getByRole("alert").allTextContents().then((t) => t.join(" "))).toMatch(/did not match|not right|check/i);
  expect(page.url()).toContain("/signin");
  expect(await page.getByLabel("E-mail").inputValue()).toBe(sam.email);
  await page.getByLabel("Password").fill(sam.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/rooms$/);
  expect(await page.evaluate(() => history.length)).toBe(2);
});
