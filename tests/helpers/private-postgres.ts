/**
 * A PostgreSQL of the test's own, started from Debian's binaries in a temporary folder, that the
 * test may stop and start at will (the machine's shared PostgreSQL must not be stopped). Null
 * when the binaries are not installed.
 */
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";

export interface PrivatePostgres {
  url: string;
  stop(): void;
  start(): void;
  /** Every process of this PostgreSQL is suspended (SIGSTOP): it neither answers nor refuses. */
  freeze(): void;
  thaw(): void;
  destroy(): void;
}

/** Where Debian's PostgreSQL binaries are (the highest version), or null when not installed. */
export function postgresBinDir(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  const dir = versions.map((v) => path.join(root, v, "bin")).find((d) => existsSync(path.join(d, "initdb")));
  return dir ?? null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startPrivatePostgres(): Promise<PrivatePostgres | null> {
  const bin = postgresBinDir();
  if (!bin) return null;
  const root = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    execFileSync(root ? "runuser" : path.join(bin, cmd), root ? ["-u", "postgres", "--", path.join(bin, cmd), ...args] : args, { stdio: "pipe" });
  const dir = mkdtempSync(path.join(tmpdir(), "mend-pg-"));
  if (root) chownSync(dir, Number(execFileSync("id", ["-u", "postgres"]).toString().trim()), Number(execFileSync("id", ["-g", "postgres"]).toString().trim()));
  const data = path.join(dir, "data");
  run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () => run("pg_ctl", ["-D", data, "-o", options, "-w", "-l", path.join(dir, "log"), "start"]);
  const stop = () => run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
  /** The postmaster and all its children: a frozen postmaster alone would leave backends answering. */
  const signalAll = (signal: "SIGSTOP" | "SIGCONT") => {
    const pid = Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
    const children = execFileSync("pgrep", ["-P", String(pid)], { stdio: ["ignore", "pipe", "ignore"] }).toString().split("\n").filter(Boolean).map(Number);
    // Stopped parent first (nothing new is forked), resumed parent last.
    const order = signal === "SIGSTOP" ? [pid, ...children] : [...children, pid];
    for (const p of order) process.kill(p, signal);
  };
  start();
  const admin = postgres(`postgres://postgres@127.0.0.1:${port}/postgres`, { max: 1, onnotice: () => {} });
  await admin.unsafe("create database mend");
  await admin.end();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/mend`,
    start,
    stop,
    freeze: () => signalAll("SIGSTOP"),
    thaw: () => signalAll("SIGCONT"),
    destroy: () => {
      try {
        signalAll("SIGCONT");
      } catch {
        /* not running */
      }
      try {
        stop();
      } catch {
        /* already stopped */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
