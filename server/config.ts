/**
 * Configuration comes from the environment only, validated once at boot. `parseConfig` is pure
 * (unit-tested); `resolveAuthSecret` is the one step that touches the disk.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .transform((v) => v === "1" || v === "true" || v === "yes");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce
    .number({ error: "PORT must be a whole number between 0 and 65535" })
    .int("PORT must be a whole number between 0 and 65535")
    .min(0, "PORT must be a whole number between 0 and 65535")
    .max(65535, "PORT must be a whole number between 0 and 65535")
    .default(3000),
  HOST: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default("./.data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must start with postgres:// or postgresql://")
    .optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "REDIS_URL must start with redis:// or rediss://").optional(),
  /** Names Mend's keys and channels in Redis: nodes of one deployment share it, deployments differ. */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "REDIS_PREFIX may hold letters, digits, '.', '_' and '-' (at most 64)").default("mend"),
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters (try: openssl rand -base64 33)").optional(),
  APP_URL: z.url({ error: "APP_URL must be a full URL such as https://mend.example.org" }).optional(),
  TRUST_PROXY: bool.default(false),
  INVITE_TTL_SECONDS: z.coerce.number().int().min(1).default(7 * 24 * 60 * 60),
  /** New accounts from one network address per hour (a clinic behind one address may need more). */
  SIGNUP_LIMIT_PER_HOUR: z.coerce.number().int().min(1).default(20),
  INVITE_LIMIT_PER_HOUR: z.coerce.number().int().min(1).default(30),
  COMPACTION_THRESHOLD: z.coerce.number().int().min(2).default(500),
  ROOM_UNLOAD_DELAY_MS: z.coerce.number().int().min(0).default(5_000),
  /** Unsaved work one room keeps in memory while the database is away; beyond it, writers keep their edits. */
  ROOM_UNSAVED_LIMIT_BYTES: z.coerce.number().int().min(1024).default(8 * 1024 * 1024),
  /** A save without an answer from the database for this long counts as failed and is retried. */
  SAVE_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  /** Where the quick exit goes: a neutral page that is not Mend. */
  QUICK_EXIT_URL: z.url().default("https://www.google.com/search?q=weather+today"),
  /** A therapist who reloads or briefly loses the connection within this time continues the same session. */
  SESSION_GRACE_MS: z.coerce.number().int().min(0).default(120_000),
});

export type Config = z.infer<typeof envSchema> & { dataDir: string };

export class ConfigError extends Error {}

/** Empty strings count as unset, so `PORT= npm start` behaves like no PORT at all. */
export function parseConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join(".") || "environment"}: ${i.message}`);
    throw new ConfigError(`Mend cannot start because its configuration is not valid:\n${lines.join("\n")}`);
  }
  return { ...result.data, dataDir: path.resolve(cwd, result.data.DATA_DIR) };
}

/**
 * Sessions are signed with AUTH_SECRET. When the operator sets none, one is generated once and
 * kept in DATA_DIR so that sessions survive a restart. Several nodes must share one: set it.
 */
export function resolveAuthSecret(config: Config): string {
  if (config.AUTH_SECRET) return config.AUTH_SECRET;
  const file = path.join(config.dataDir, "auth-secret");
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(33).toString("base64url");
  writeFileSync(file, secret + "\n", { mode: 0o600 });
  return secret;
}
