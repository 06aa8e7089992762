/**
 * A session with the therapist, in three browsers: the dashboard updates live, the partners
 * always see that the therapist is here, the therapist moderates speak and listen and keeps a
 * private note, and a partner ends the therapist's access.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchChromium, openAs, openRoom } from "../helpers/browser";
import { pairedRoom, type Person } from "../helpers/http";
import { therapistJoins } from "../helpers/scene";
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

const open = (person: Person, roomId: string): Promise<Page> => openRoom(browser, server.url, person, roomId, { viewport: { width: 1100, height: 900 } });
const situation = (page: Page) => page.getByTestId("exercise-situation");

it("the therapist joins, moderates an exercise, keeps a private note, and a partner ends their access", async () => {
  const { a, b, roomId } = await pairedRoom(server.url, "The Smiths");
  const t = await therapistJoins(server.url, roomId, a);

  // The therapist's dashboard changes without a reload when Ana opens the room.
  const dashboard = await openAs(browser, t, `${server.url}/rooms`);
  await expect.poll(() => dashboard.getByTestId("dashboard-live").getAttribute("data-live")).toBe("true");
  expect(await dashboard.getByTestId("room-overview").textContent()).toContain("Ana (partner) · not here");
  const ana = await open(a, roomId);
  await expect.poll(() => dashboard.getByTestId("room-overview").textContent()).toContain("Ana (partner) · here now");

  const ben = await open(b, roomId);
  const tess = await open(t, roomId);
  // Never silent observation: both partners are told.
  for (const page of [ana, ben]) await expect.poll(() => page.getByTestId("therapist-here").textContent()).toContain("Tess, your therapist, is in the room");

  // The exercise, moderated.
  await ana.getByRole("button", { name: "Suggest this exercise" }).click();
  await ben.getByRole("button", { name: "I accept the ground rules" }).click();
  await expect.poll(() => situation(tess).getAttribute("data-role")).toBe("therapist");
  await expect.poll(() => dashboard.getByTestId("overview-exercise").textContent()).toContain("Ana is speaking");
  await ana.getByLabel("What you want to say").fill("I want us to talk about the weekend.");
  await tess.getByRole("button", { name: "Hold", exact: true }).click();
  await expect.poll(() => situation(ben).textContent()).toContain("Your therapist has paused the exercise");
  expect(await ana.getByLabel("What you want to say").isDisabled()).toBe(true);
  await tess.getByRole("button", { name: "Give the floor to Ben" }).click();
  await tess.getByRole("button", { name: "Continue the exercise" }).click();
  await expect.poll(() => situation(ben).getAttribute("data-role")).toBe("speaker");
  // What Ana had started to write is kept, not lost.
  await expect.poll(() => ben.getByRole("list", { name: "What has been said" }).textContent()).toContain("I want us to talk about the weekend.");
  await tess.getByRole("button", { name: "End the exercise…" }).click();
  await tess.getByRole("button", { name: "End the exercise", exact: true }).click();
  await expect.poll(() => ana.getByTestId("speak-and-listen").textContent()).toContain("The exercise has ended.");

  // A private note, in Markdown, saved as it is typed; the partners' pages have no trace of it.
  await tess.getByRole("button", { name: "New note" }).click();
  await tess.getByLabel("Note", { exact: true }).fill("# Session 1\n- **Ana** raised the weekend\n- time-out plan next");
  await expect.poll(() => tess.getByTestId("note-save-state").getAttribute("data-state")).toBe("saved");
  await tess.getByRole("tab", { name: "Preview" }).click();
  expect(await tess.getByTestId("therapist-notes").getByRole("heading", { name: "Session 1" }).count()).toBe(1);
  for (const page of [ana, ben]) {
    expect(await page.getByTestId("therapist-notes").count()).toBe(0);
    expect(await page.content()).not.toContain("raised the weekend");
  }

  // Ana ends Tess's access: Tess's page says so at once, and the partners see she has gone.
  await ana.getByRole("button", { name: "End access…" }).click();
  await ana.getByRole("button", { name: "Yes, end access" }).click();
  await expect.poll(() => tess.getByTestId("connection").textContent()).toContain("You no longer have access to this room.");
  await expect.poll(() => ben.getByTestId("therapist-here").count()).toBe(0);
  await ana.getByText("Who had access, and when").click();
  await expect.poll(() => ana.getByRole("list", { name: "Access log" }).textContent()).toContain("Ana ended Tess’s access");
});
