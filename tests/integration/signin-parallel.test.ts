/** Its own server: it uses part of the test address's sign-in allowance. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { signInRaw, signUp } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.stop();
  await server.database.drop();
});

it("guesses sent all at once are counted before checking: no more than the limit get a real answer", async () => {
  const p = await signUp(server.url, "Par");
  const results = await Promise.all(Array.from({ length: 30 }, (_, i) => signInRaw(server.url, p.email, `guess ${i}`)));
  const answered = results.filter((r) => r.location.includes("code=invalid_credentials")).length;
  const limited = results.filter((r) => r.location.includes("code=rate_limited")).length;
  expect(answered).toBe(10);
  expect(limited).toBe(20);
});

it("a right password does not use up the allowance", async () => {
  const p = await signUp(server.url, "Ok");
  for (let i = 0; i < 15; i++) {
    const r = await signInRaw(server.url, p.email, p.password);
    expect(r.session).toBeDefined();
  }
});
