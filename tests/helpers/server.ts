/**
 * Starts the real Mend server (server/index.ts, production build) as a child process on port 0,
 * on PGlite (a copy of the migrated template) or on a fresh Postgres database when the test
 * project says so. Every test file gets its own server and its own database.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { PGLITE_TEMPLATE, ROOT, TMP } from "./paths";

export type TestDb = "pglite" | "postgres";

/** Which database this test project runs on (set per vitest project). */
export const TEST_DB: TestDb = process.env.TEST_DB === "postgres" ? "postgres" : "pglite";

export interface StartOptions {
  env?: Record<string, string>;
  /** Reuse a database of an earlier server (restart tests). */
  database?: TestDatabase;
}

export interface TestDatabase {
  kind: TestDb;
  dataDir: string;
  databaseUrl?: string;
  /** postgres only: a direct connection for assertions. */
  sql?: postgres.Sql;
  /** postgres with REDIS_URL: servers on this database form one deployment under this prefix. */
  redisPrefix?: string;
  drop(): Promise<void>;
}

export interface TestServer {
  url: string;
  port: number;
  database: TestDatabase;
  process: ChildProcess;
  logs(): string;
  /** SIGTERM and wait for exit; resolves the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

let counter = 0;

export async function createTestDatabase(kind: TestDb = TEST_DB): Promise<TestDatabase> {
  const dataDir = path.join(TMP, `server-${process.pid}-${++counter}-${randomBytes(3).toString("hex")}`);
  mkdirSync(dataDir, { recursive: true });
  if (kind === "pglite") {
    cpSync(PGLITE_TEMPLATE, dataDir, { recursive: true });
    return { kind, dataDir, drop: async () => {} };
  }
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error("TEST_DB=postgres needs DATABASE_URL");
  const name = `mend_test_${process.pid}_${counter}_${randomBytes(3).toString("hex")}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const sql = postgres(url.toString(), { max: 2, onnotice: () => {} });
  return {
    kind,
    dataDir,
    databaseUrl: url.toString(),
    sql,
    redisPrefix: process.env.REDIS_URL ? name : undefined,
    drop: async () => {
      await sql.end({ timeout: 1 });
      const a = postgres(base, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const database = options.database ?? (await createTestDatabase());
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: "0",
    DATA_DIR: database.dataDir,
    ROOM_UNLOAD_DELAY_MS: "200",
    // Every test person signs up from this one address; signup-limit.test.ts checks the limit.
    SIGNUP_LIMIT_PER_HOUR: "10000",
    MEND_EXIT_WITH_PID: String(process.pid),
    ...options.env,
  };
  delete env.DATABASE_URL;
  delete env.TEST_DB;
  if (database.databaseUrl) env.DATABASE_URL = database.databaseUrl;
  // On PostgreSQL with REDIS_URL every test server runs as a node of a deployment of its own.
  if (database.redisPrefix && !options.env?.REDIS_URL) env.REDIS_PREFIX = database.redisPrefix;
  else if (!database.redisPrefix && !options.env?.REDIS_URL) delete env.REDIS_URL;

  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: ROOT,
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Mend is ready at http:\/\/localhost:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready:\n${output}`));
    });
  });
  return {
    url: `http://localhost:${port}`,
    port,
    database,
    process: child,
    logs: () => output,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/** Spawns the server expecting it to refuse to start; resolves its exit code and output. */
export async function startServerExpectingFailure(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  // Only what the test passes: DATABASE_URL from the environment would pick another database.
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  void _ignored;
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: ROOT,
    env: { ...inherited, NODE_ENV: "production", MEND_EXIT_WITH_PID: String(process.pid), ...env } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(timer);
  return { code, output };
}
