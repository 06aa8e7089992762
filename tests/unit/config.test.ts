import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, resolveAuthSecret } from "@/server/config";

describe("parseConfig", () => {
  it("has defaults that run as-is", () => {
    const c = parseConfig({}, "/srv/mend");
    expect(c.PORT).toBe(3000);
    expect(c.dataDir).toBe("/srv/mend/.data");
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.REDIS_URL).toBeUndefined();
    expect(c.INVITE_TTL_SECONDS).toBe(7 * 24 * 3600);
    expect(c.TRUST_PROXY).toBe(false);
    expect(c.SIGNUP_LIMIT_PER_HOUR).toBe(20);
    expect(c.ROOM_UNSAVED_LIMIT_BYTES).toBe(8 * 1024 * 1024);
    expect(c.SAVE_TIMEOUT_MS).toBe(15_000);
  });

  it("treats empty variables as unset", () => {
    expect(parseConfig({ PORT: "", DATABASE_URL: "" }).PORT).toBe(3000);
  });

  it("accepts port 0 (tests) and real settings", () => {
    const c = parseConfig({ PORT: "0", DATABASE_URL: "postgres://u@h/db", REDIS_URL: "redis://h:6379", TRUST_PROXY: "1" });
    expect(c.PORT).toBe(0);
    expect(c.DATABASE_URL).toBe("postgres://u@h/db");
    expect(c.TRUST_PROXY).toBe(true);
  });

  it.each([
    [{ PORT: "abc" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL must start with postgres://"],
    [{ REDIS_URL: "http://x" }, "REDIS_URL"],
    [{ AUTH_SECRET: "short" }, "AUTH_SECRET must be at least 32 characters"],
    [{ APP_URL: "not a url" }, "APP_URL"],
    [{ ROOM_UNSAVED_LIMIT_BYTES: "10" }, "ROOM_UNSAVED_LIMIT_BYTES"],
    [{ SAVE_TIMEOUT_MS: "0" }, "SAVE_TIMEOUT_MS"],
  ])("refuses %o with a message naming the setting", (env, expected) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(expected);
  });
});

describe("resolveAuthSecret", () => {
  it("uses AUTH_SECRET when set", () => {
    const c = parseConfig({ AUTH_SECRET: "x".repeat(40), DATA_DIR: mkdtempSync(path.join(tmpdir(), "mend-")) });
    expect(resolveAuthSecret(c)).toBe("x".repeat(40));
  });

  it("generates one secret, keeps it private in DATA_DIR, and reuses it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mend-"));
    const c = parseConfig({ DATA_DIR: dir });
    const first = resolveAuthSecret(c);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(resolveAuthSecret(c)).toBe(first);
    expect(readFileSync(path.join(dir, "auth-secret"), "utf8").trim()).toBe(first);
    expect(statSync(path.join(dir, "auth-secret")).mode & 0o077).toBe(0);
  });
});
