/** Its own server: it uses up the sign-in allowance of the test's network address. */
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

it("limits failed sign-ins per network address across many e-mails, with a clear code", async () => {
  const real = await signUp(server.url, "Real");
  for (let i = 0; i < 50; i++) {
    const r = await signInRaw(server.url, `spray-${i}@example.org`, "guess");
    expect(r.location).toContain("code=invalid_credentials");
  }
  const limited = await signInRaw(server.url, real.email, real.password);
  expect(limited.session).toBeUndefined();
  expect(limited.location).toContain("code=rate_limited");
});
