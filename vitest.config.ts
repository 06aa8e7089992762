import path from "node:path";
import { defineConfig } from "vitest/config";
import { postgresBinDir } from "./tests/helpers/private-postgres";

const root = import.meta.dirname;
const integration = ["tests/integration/**/*.test.ts"];
/** Brings its own PostgreSQL (to stop and start it), so it runs once, in the PGlite project. */
const outage = "tests/integration/db-outage.test.ts";
const canStartPostgres = postgresBinDir() !== null;
/** Two server processes sharing PostgreSQL and Redis: only where both are given. */
const cluster = "tests/integration/cluster.test.ts";
const canCluster = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
if (!canCluster) {
  console.log(`\n  The several-nodes test is left out: it needs DATABASE_URL and REDIS_URL (.ci/run sets both).\n`);
}
if (!canStartPostgres) {
  console.log(`\n  The database-outage test is left out: no PostgreSQL binaries (sudo apt-get install postgresql).\n`);
}

/**
 * unit: pure rules. integration: the real server (child process, port 0) on PGlite, and again on
 * Postgres when DATABASE_URL is set. e2e: Chromium, two contexts for two partners; scripts/test.mjs
 * leaves it out, saying so, when no Chromium is found.
 */
export default defineConfig({
  resolve: {
    tsconfigPaths: true,
    alias: { "server-only": path.join(root, "tests/helpers/server-only-stub.ts") },
  },
  test: {
    globalSetup: ["tests/helpers/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: each integration file starts its own server process.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: "unit", include: ["tests/unit/**/*.test.ts"] } },
      {
        extends: true,
        test: { name: "integration-pglite", include: integration, exclude: canStartPostgres ? [cluster] : [outage, cluster], env: { TEST_DB: "pglite" } },
      },
      ...(process.env.DATABASE_URL
        ? [{ extends: true as const, test: { name: "integration-postgres", include: integration, exclude: canCluster ? [outage] : [outage, cluster], env: { TEST_DB: "postgres" } } }]
        : []),
      {
        extends: true,
        // Real browsers on a small machine: polls wait long enough to mean "never", not "slow".
        test: { name: "e2e", include: ["tests/e2e/**/*.test.ts"], fileParallelism: false, expect: { poll: { timeout: 15_000 } } },
      },
    ],
  },
});
