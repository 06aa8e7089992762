/**
 * The rate limiter against the real database of this project (PGlite, and Postgres where set):
 * both drivers must encode the window the same way (a Date in a raw query broke postgres.js once).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type OpenDatabase, openDatabase } from "@/db/client";
import { createRateLimiter } from "@/server/services/rate-limit";
import { createTestDatabase, type TestDatabase } from "../helpers/server";

let testDb: TestDatabase;
let open: OpenDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
  open = await openDatabase({ databaseUrl: testDb.databaseUrl, dataDir: testDb.dataDir });
});
afterAll(async () => {
  await open.close();
  await testDb.drop();
});

it("counts hits per key and window, and reports when the limit is used up", async () => {
  const limiter = createRateLimiter(open.db);
  const limit = { key: `test:${randomUUID()}`, max: 3, windowSeconds: 3600 };
  expect((await limiter.exceeded(limit)).exceeded).toBe(false);
  for (let i = 0; i < 3; i++) expect((await limiter.hit(limit)).allowed).toBe(true);
  expect((await limiter.exceeded(limit)).exceeded).toBe(true);
  const over = await limiter.hit(limit);
  expect(over.allowed).toBe(false);
  expect(over.retryAfterSeconds).toBeGreaterThan(0);
  expect(over.retryAfterSeconds).toBeLessThanOrEqual(3600);
  // another key is not affected
  expect((await limiter.exceeded({ ...limit, key: `test:${randomUUID()}` })).exceeded).toBe(false);
});

it("prunes old windows", async () => {
  const limiter = createRateLimiter(open.db);
  const limit = { key: `test:${randomUUID()}`, max: 1, windowSeconds: 3600 };
  await limiter.hit(limit);
  await limiter.prune(new Date(Date.now() + 2 * 3600 * 1000));
  expect((await limiter.exceeded(limit)).exceeded).toBe(false);
});
