/**
 * Once per test run: a production build for the servers under test, and a migrated PGlite data
 * folder that each test server copies (initdb takes seconds; a copy takes a fraction of one).
 */
import { mkdirSync, rmSync } from "node:fs";
import { openDatabase } from "@/db/client";
import { buildIfNeeded } from "../../scripts/start.mjs";
import { PGLITE_TEMPLATE, TMP } from "./paths";

const DONE = Symbol.for("mend.test.setup");

export default async function setup() {
  // Every vitest project inherits this; the work is done once per run.
  const g = globalThis as { [DONE]?: boolean };
  if (g[DONE]) return;
  g[DONE] = true;
  const needsServer = process.env.MEND_TEST_NEEDS_SERVER !== "0";
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  if (!needsServer) return;
  buildIfNeeded();
  const db = await openDatabase({ dataDir: PGLITE_TEMPLATE });
  await db.close();
  return () => rmSync(TMP, { recursive: true, force: true });
}
