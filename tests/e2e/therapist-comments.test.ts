/** The therapist in the room: sees the agreement read-only, comments, and the partner sees it live. */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { addAgreementItem } from "@/app/lib/room-doc";
import { launchChromium, openRoom } from "../helpers/browser";
import { api, newPerson, pairedRoom, type Person } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";
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

it("a therapist comments on an item, read-only otherwise, and the partner sees who is present", async () => {
  const { a, roomId } = await pairedRoom(server.url);
  const t = await newPerson(server.url, "Tess");
  const inv = await api(server.url, "POST", `/api/rooms/${roomId}/invites`, { cookie: a.cookie, body: { role: "therapist" } });
  await api(server.url, "POST", `/api/invites/${inv.body.token}/accept`, { cookie: t.cookie });
  const y = await connectY(server.url, roomId, a.cookie);
  addAgreementItem(y.doc, { id: "i", createdBy: a.id, commitment: "We talk every evening." });
  await y.waitSaved();
  y.close();

  const ana = await open(a, roomId);
  const tess = await open(t, roomId);
  await expect.poll(() => ana.getByTestId("presence").textContent()).toContain("Tess (therapist) · here now");
  expect(await tess.getByLabel("Commitment 1").isDisabled()).toBe(true);
  expect(await tess.getByRole("button", { name: "I agree to this wording" }).count()).toBe(0);
  expect(await tess.getByRole("button", { name: "Add a commitment" }).count()).toBe(0);

  await tess.getByLabel("Add a comment").fill("What would help on evenings when one of you is away?");
  await tess.getByRole("button", { name: "Add comment" }).click();
  await expect.poll(() => ana.getByTestId("comments").textContent()).toContain("Tess (therapist)");
  await expect.poll(() => ana.getByTestId("comments").textContent()).toContain("evenings when one of you is away");
});
