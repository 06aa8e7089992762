#!/usr/bin/env node
// `npm start`: build when there is no build yet (or the sources are newer than it), then run the
// one Mend process in production. `npm run dev` runs it in development mode instead.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
const dev = process.argv.includes("--dev");

/** Newest modification time under the inputs of `next build`. */
function newestSource() {
  let newest = 0;
  const walk = (p) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) {
      for (const entry of readdirSync(p)) if (entry !== "node_modules" && !entry.startsWith(".")) walk(path.join(p, entry));
    } else newest = Math.max(newest, s.mtimeMs);
  };
  for (const p of ["app", "server", "db", "next.config.ts", "postcss.config.mjs", "package-lock.json", "tsconfig.json"]) walk(p);
  return newest;
}

export function buildIfNeeded() {
  const buildId = path.join(root, ".next", "BUILD_ID");
  const stale = !existsSync(buildId) || statSync(buildId).mtimeMs < newestSource();
  if (!stale) return;
  console.log(existsSync(buildId) ? "Sources changed since the last build: building Mend…" : "First start: building Mend (about a minute)…");
  const result = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) {
    console.error("The build failed; see the messages above.");
    process.exit(result.status ?? 1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!dev) buildIfNeeded();
  const { register } = await import("tsx/esm/api");
  register();
  if (dev) process.argv.push("--dev");
  await import("../server/index.ts");
}
