/**
 * One schema, two drivers: postgres.js when DATABASE_URL is set, else PGlite (an embedded
 * Postgres) in DATA_DIR. Migrations are applied here, at start-up, to whichever is active.
 */
import { open, readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { acquireDataDirLock } from "./lock";
import * as schema from "./schema";

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface OpenDatabase {
  db: Database;
  driver: "postgres" | "pglite";
  /**
   * Makes what was committed survive a power loss. Postgres does this itself at commit; PGlite's
   * file layer never calls fsync, so for it this flushes the write-ahead log's files.
   */
  syncToDisk(): Promise<void>;
  /**
   * Runs one fixed statement (parameters $1, $2…) and returns its rows. On PostgreSQL it is
   * prepared once per connection: drizzle's `execute` runs an unnamed statement that postgres.js
   * first asks PostgreSQL to describe, so every call costs two round trips and a fresh parse and
   * plan. For statements run hundreds of times a second (the rooms' group commit).
   */
  query(text: string, params: string[]): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

async function fsyncFolder(folder: string): Promise<void> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const handle = await open(path.join(folder, entry.name), "r+");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  const dir = await open(folder, "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));
/** Any fixed number: every node takes this advisory lock while it migrates. */
const MIGRATION_LOCK = 7_270_401;

export async function openDatabase(options: { databaseUrl?: string; dataDir: string }): Promise<OpenDatabase> {
  if (options.databaseUrl) {
    const migrator = postgres(options.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      await migrator`select pg_advisory_lock(${MIGRATION_LOCK})`;
      await migratePostgres(drizzlePostgres({ client: migrator }), { migrationsFolder });
      await migrator`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    } finally {
      await migrator.end();
    }
    const client = postgres(options.databaseUrl, { max: 10, onnotice: () => {} });
    const db = drizzlePostgres({ client, schema }) as unknown as Database;
    return {
      db,
      driver: "postgres",
      syncToDisk: async () => {},
      query: async (text, params) => await client.unsafe(text, params, { prepare: true }),
      close: () => client.end({ timeout: 5 }),
    };
  }

  const release = acquireDataDirLock(options.dataDir);
  try {
    const folder = path.join(options.dataDir, "pglite");
    const client = new PGlite(folder);
    await client.waitReady;
    const db = drizzlePglite({ client, schema });
    await migratePglite(db, { migrationsFolder });
    return {
      db: db as unknown as Database,
      driver: "pglite",
      syncToDisk: () => fsyncFolder(path.join(folder, "pg_wal")),
      query: async (text, params) => (await client.query<Record<string, unknown>>(text, params)).rows,
      close: async () => {
        try {
          await client.close();
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
