/**
 * One full PREP round between two partners in real browsers (Ben on a phone): suggest, accept
 * the ground rules, speak, paraphrase, correct, confirm, pass the floor, park an idea, time-out.
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
const situation = (page: Page) => page.getByTestId("exercise-situation");

it("a full PREP round: each sees only what their turn allows, and the floor passes by the rules", async () => {
  const { a, b, roomId } = await pairedRoom(server.url);
  const ana = await open(a, roomId);
  const ben = await open(b, roomId, { width: 390, height: 844 });

  // Ana suggests it; Ben reads the ground rules and accepts.
  await ana.getByLabel("What would you like to talk about? (optional)").fill("Last weekend");
  await ana.getByRole("button", { name: "Suggest this exercise" }).click();
  await ben.getByText("Our ground rules").waitFor();
  expect(await ben.getByText("The listener does not argue back").count()).toBe(1);
  await ben.getByRole("button", { name: "I accept the ground rules" }).click();

  // Roles are unmistakable, in words (and announced: the situation is a status region).
  await expect.poll(() => situation(ana).getAttribute("data-role")).toBe("speaker");
  await expect.poll(() => situation(ben).textContent()).toContain("You are listening");
  expect(await situation(ben).getAttribute("role")).toBe("status");
  expect(await ben.getByLabel("What Ana is saying").isDisabled()).toBe(true);
  expect(await ben.getByRole("button", { name: "Pass the floor" }).count()).toBe(0);

  // Ana speaks one part; Ben sees it and may now say back what he heard.
  await ana.getByLabel("What you want to say").fill("I felt alone on Saturday when plans changed without a word.");
  await ana.getByRole("button", { name: "I've said this part" }).click();
  const heard = ben.getByLabel("In your own words, what did you hear?");
  await expect.poll(() => heard.isEnabled()).toBe(true);
  expect(await ben.getByRole("list", { name: "What has been said" }).textContent()).toContain("plans changed without a word");
  expect(await ana.getByLabel("What Ben heard").isDisabled()).toBe(true);

  await heard.fill("You were annoyed about Saturday.");
  await ben.getByRole("button", { name: "Share what I heard" }).click();
  await ana.getByRole("button", { name: "Not quite" }).click();
  await expect.poll(() => heard.isEnabled()).toBe(true);
  await heard.fill("You felt alone on Saturday when the plans changed and I didn't tell you.");
  await ben.getByRole("button", { name: "Share what I heard" }).click();
  await ana.getByRole("button", { name: "Yes, that's it" }).click();

  // An idea that would derail the exercise goes to the agreement's list instead.
  await ben.getByLabel("An idea for later? Park it on the agreement's list").fill("Tell each other when plans change");
  await ben.getByRole("button", { name: "Park it" }).click();
  await expect.poll(() => ana.getByRole("region", { name: "Set aside to talk about later" }).textContent()).toContain("Tell each other when plans change");

  // Only now may Ana pass the floor; then Ben speaks.
  await ana.getByRole("button", { name: "Pass the floor" }).click();
  await expect.poll(() => situation(ben).getAttribute("data-role")).toBe("speaker");
  await expect.poll(() => situation(ben).textContent()).toContain("You have the floor");
  await expect.poll(() => situation(ana).textContent()).toContain("You are listening");
  expect(await ben.getByLabel("What you want to say").isEnabled()).toBe(true);

  // A time-out freezes it for both, with the return time shown; both must say they are ready.
  await ana.getByRole("button", { name: "Take a time-out" }).click();
  await ben.getByTestId("time-out").waitFor();
  expect(await ben.getByLabel("What you want to say").isDisabled()).toBe(true);
  await ben.getByRole("button", { name: "I'm ready to continue" }).click();
  await expect.poll(() => ana.getByTestId("time-out").textContent()).toContain("Waiting for you");
  await ana.getByRole("button", { name: "I'm ready to continue" }).click();
  await expect.poll(() => ben.getByLabel("What you want to say").isEnabled()).toBe(true);

  // Nothing on the page broke along the way (Next's own route announcer is an empty alert).
  for (const page of [ana, ben]) expect((await page.getByRole("alert").allTextContents()).join("").trim()).toBe("");
});
