/** Its own server with a small sign-up allowance per network address. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { api } from "../helpers/http";
import { startServer, type TestServer } from "../helpers/server";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ env: { SIGNUP_LIMIT_PER_HOUR: "2" } });
});
afterAll(async () => {
  await server.stop();
  await server.database.drop();
});

it("limits new accounts per network address, with a clear message and Retry-After", async () => {
  const signUp = (n: number) => api(server.url, "POST", "/api/signup", { body: { email: `n${n}@example.org`, password: "a long enough password", name: `N${n}` } });
  expect((await signUp(1)).status).toBe(201);
  expect((await signUp(2)).status).toBe(201);
  const third = await signUp(3);
  expect(third.status).toBe(429);
  expect(third.body.error).toMatchObject({ code: "rate_limited", message: expect.stringMatching(/Too many new accounts/) });
  expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
});
