/**
 * A fresh database of this test project (PGlite, or PostgreSQL where set), opened in the test's
 * own process, with one user in it: for tests of a store or a service without a server.
 */
import { type OpenDatabase, openDatabase } from "@/db/client";
import { users } from "@/db/schema";
import { createTestDatabase } from "./server";

export interface DatabaseWithUser {
  open: OpenDatabase;
  /** The user rows that need an owner can point at. */
  userId: string;
  close(): Promise<void>;
}

export async function openDatabaseWithUser(label: string): Promise<DatabaseWithUser> {
  const testDb = await createTestDatabase();
  const open = await openDatabase({ databaseUrl: testDb.databaseUrl, dataDir: testDb.dataDir });
  const [user] = await open.db.insert(users).values({ email: `${label}-${Date.now()}@example.org`, name: "Ana", passwordHash: "-" }).returning({ id: users.id });
  return {
    open,
    userId: user!.id,
    close: async () => {
      await open.close();
      await testDb.drop();
    },
  };
}
