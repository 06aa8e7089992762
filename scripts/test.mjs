#!/usr/bin/env node
// `npm test`: every test, on PGlite always and on Postgres too when DATABASE_URL is set.
// Browser tests need a Chromium (CHROMIUM_PATH, default /usr/bin/chromium); without one they are
// left out and this says so plainly. Extra arguments go to vitest (e.g. `npm test -- tests/unit`).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildIfNeeded } from "./start.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
process.env.NEXT_TELEMETRY_DISABLED ??= "1";

const chromium = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const args = ["run", ...process.argv.slice(2)];
if (existsSync(chromium)) {
  process.env.CHROMIUM_PATH = chromium;
} else {
  console.log(`\n  Browser tests skipped: no Chromium at ${chromium}.`);
  console.log("  Install one (sudo apt-get install chromium) or set CHROMIUM_PATH, then run npm test again.\n");
  args.push("--project", "unit", "--project", "integration-pglite");
  if (process.env.DATABASE_URL) args.push("--project", "integration-postgres");
}
console.log(
  process.env.DATABASE_URL
    ? "  Integration tests run twice: on PGlite and on the Postgres at DATABASE_URL."
    : "  Integration tests run on PGlite. Set DATABASE_URL to run them on Postgres too.",
);

// Build once here, before the workers start, so no test waits for it.
buildIfNeeded();

const report = path.join(root, "tests", ".report.json");
rmSync(report, { force: true });
const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
const result = spawnSync(process.execPath, [vitest, ...args, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`], {
  stdio: "inherit",
});

// One plain closing line that any CI can read.
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, "utf8"));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}`);
  rmSync(report, { force: true });
}
process.exit(result.status ?? 1);
