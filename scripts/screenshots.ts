/**
 * Regenerates docs/screenshot-room.png and writes every main screen, desktop and phone, to
 * SHOTS_DIR (default /tmp/mend-shots) for a look before a change is called done.
 * Run: npx tsx scripts/screenshots.ts  (needs a build and Chromium)
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { launchChromium } from "../tests/helpers/browser";
import { api, pairedRoom } from "../tests/helpers/http";
import { PGLITE_TEMPLATE, ROOT } from "../tests/helpers/paths";
import { startServer } from "../tests/helpers/server";
import { openDatabase } from "../db/client";

const out = process.env.SHOTS_DIR ?? "/tmp/mend-shots";
mkdirSync(out, { recursive: true });
await (await openDatabase({ dataDir: PGLITE_TEMPLATE })).close();
const server = await startServer();
const browser = await launchChromium();
try {
  const { a, b, roomId } = await pairedRoom(server.url, "Our Sunday talks");
  const cookie = (c: string) => {
    const [name, value] = c.split("=") as [string, string];
    return { name, value, domain: "localhost", path: "/" };
  };
  const anon = await browser.newPage({ viewport: { width: 1100, height: 760 } });
  for (const [name, url] of [["home", "/"], ["signup", "/signup"], ["signin", "/signin?error=CredentialsSignin&code=rate_limited"]]) {
    await anon.goto(server.url + url);
    await anon.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
  }
  const inv = await api(server.url, "POST", `/api/rooms/${roomId}/invites`, { cookie: a.cookie, body: { role: "therapist" } });
  await anon.goto(inv.body.url);
  await anon.screenshot({ path: path.join(out, "invite-anon.png") });

  const ctxA = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  await ctxA.addCookies([cookie(a.cookie)]);
  const ctxB = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await ctxB.addCookies([cookie(b.cookie)]);
  const pa = await ctxA.newPage();
  const pb = await ctxB.newPage();
  await pa.goto(`${server.url}/rooms`);
  await pa.screenshot({ path: path.join(out, "dashboard.png"), fullPage: true });
  await pa.goto(`${server.url}/invite/${inv.body.token}`);
  await pa.screenshot({ path: path.join(out, "invite-member.png") });
  await Promise.all([pa.goto(`${server.url}/rooms/${roomId}`), pb.goto(`${server.url}/rooms/${roomId}`)]);
  await pa.getByText("Connected").waitFor();
  await pb.getByText("Connected").waitFor();
  await pa.getByRole("button", { name: "Add a commitment" }).click();
  await pa.keyboard.type("I will tell you within a day if I am contacted by them.");
  await pa.getByRole("button", { name: "Add a commitment" }).click();
  await pb.getByLabel("Commitment 2").click();
  await pb.keyboard.type("We both keep our evenings free for a ten minute check-in");
  await pa.getByLabel("Commitment 2").click();
  await pa.keyboard.press("End");
  await pb.getByText("All changes saved").waitFor();
  await pa.getByText("All changes saved").waitFor();
  await pa.waitForTimeout(300);
  await pa.screenshot({ path: path.join(ROOT, "docs", "screenshot-room.png") });
  // agreement states: item 1 agreed by Ana, details open on item 2
  await pa.getByTestId("agreement-item").first().getByRole("button", { name: "I agree to this wording" }).click();
  await pb.getByTestId("agreement-item").first().getByRole("button", { name: "I agree to this wording" }).click();
  await pa.getByTestId("agreement-item").nth(1).getByText("Details: who, why, what is shared, dates").click();
  await pa.getByTestId("agreement-item").first().getByText("Agreed by both").waitFor();
  await pa.screenshot({ path: path.join(out, "room-agreement.png"), fullPage: true });
  // sign version 1 and show it
  await pa.getByRole("button", { name: "Propose to sign" }).click();
  for (const [page, person] of [[pa, a], [pb, b]] as const) {
    await page.getByLabel(/Your password/).fill(person.password);
    await page.getByRole("button", { name: "Sign this version" }).click();
    await page.waitForTimeout(300);
  }
  await pa.getByRole("link", { name: "Version 1" }).click();
  await pa.getByTestId("version-hash").waitFor();
  await pa.screenshot({ path: path.join(out, "version.png"), fullPage: true });
  await pa.screenshot({ path: path.join(out, "room.png"), fullPage: true });
  await pb.screenshot({ path: path.join(out, "room-phone.png"), fullPage: true });
  const dark = await browser.newContext({ viewport: { width: 1100, height: 760 }, colorScheme: "dark" });
  await dark.addCookies([cookie(a.cookie)]);
  const pd = await dark.newPage();
  await pd.goto(`${server.url}/rooms/${roomId}`);
  await pd.getByText("Connected").waitFor();
  await pd.screenshot({ path: path.join(out, "room-dark.png"), fullPage: true });
  // speak and listen: proposed, then Ana's part waiting for Ben's paraphrase, then Ana confirming
  await pa.goto(`${server.url}/rooms/${roomId}`);
  await pb.goto(`${server.url}/rooms/${roomId}`);
  await pa.getByText("Connected").waitFor();
  await pb.getByText("Connected").waitFor();
  await pa.getByLabel("What would you like to talk about? (optional)").fill("Saturday");
  await pa.getByRole("button", { name: "Suggest this exercise" }).click();
  await pb.getByText("Our ground rules").waitFor();
  await pb.getByTestId("speak-and-listen").screenshot({ path: path.join(out, "exercise-proposed-phone.png") });
  await pb.getByRole("button", { name: "I accept the ground rules" }).click();
  await pa.getByLabel("What you want to say").fill("I felt alone on Saturday when plans changed without a word.");
  await pa.getByTestId("speak-and-listen").screenshot({ path: path.join(out, "exercise-speaking.png") });
  await pa.getByRole("button", { name: "I've said this part" }).click();
  await pb.getByLabel("In your own words, what did you hear?").fill("You felt alone when the plans changed and I didn't say.");
  await pb.getByTestId("speak-and-listen").screenshot({ path: path.join(out, "exercise-listening-phone.png") });
  await pb.getByRole("button", { name: "Share what I heard" }).click();
  await pa.getByRole("button", { name: "Yes, that's it" }).waitFor();
  await pa.getByTestId("speak-and-listen").screenshot({ path: path.join(out, "exercise-confirming.png") });
  await pa.getByRole("button", { name: "Take a time-out" }).click();
  await pb.getByTestId("time-out").waitFor();
  await pb.getByTestId("speak-and-listen").screenshot({ path: path.join(out, "exercise-time-out-phone.png") });
  console.log(`screenshots in ${out} and docs/screenshot-room.png`);
} finally {
  await browser.close();
  await server.stop();
}
