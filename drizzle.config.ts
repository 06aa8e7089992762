import { defineConfig } from "drizzle-kit";

// Only `drizzle-kit generate` uses this: migrations are SQL files committed in db/migrations and
// applied by the server at start-up (db/migrate.ts), to PGlite or Postgres alike.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema.ts",
  out: "./db/migrations",
});
