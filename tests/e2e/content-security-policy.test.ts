/**
 * The Content-Security-Policy in a real browser: the room works with it (no violation is
 * reported), and injected markup cannot run script.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { launchChromium, openRoom } from "../helpers/browser";
import { pairedRoom } from "../helpers/http";
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

it("the room runs under the policy, and an injected inline handler is refused", async () => {
  const { a, roomId } = await pairedRoom(server.url);
  const page = await openRoom(browser, server.url, a, roomId);
  const violations = await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
  expect(violations).toEqual([]);
  await page.getByRole("button", { name: "Add a commitment" }).click();
  await page.getByLabel("Commitment 1").fill("Works with the policy on.");

  const refused = await page.evaluate(async () => {
    const seen = new Promise<string>((resolve) => document.addEventListener("securitypolicyviolation", (e) => resolve(e.violatedDirective), { once: true }));
    const div = document.createElement("div");
    div.innerHTML = '<img src="data:," onerror="window.__injected = 1">';
    document.body.appendChild(div);
    const directive = await Promise.race([seen, new Promise<string>((r) => setTimeout(() => r("none"), 2_000))]);
    return { directive, injected: (window as unknown as { __injected?: number }).__injected ?? null };
  });
  expect(refused.injected).toBeNull();
  expect(refused.directive).toMatch(/script-src/);
});
