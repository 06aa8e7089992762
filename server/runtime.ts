/**
 * The composition root shared by the custom server and the code Next.js runs.
 *
 * Next bundles route handlers and pages separately from server/index.ts, so a module-level
 * singleton would exist twice (two PGlite instances on one folder would corrupt it). The server
 * builds everything once and hangs it on globalThis; Next-side code reads it from here and
 * imports only types from server/services.
 */
import type { Config } from "./config";
import type { Accounts } from "./services/accounts";
import type { Invites } from "./services/invites";
import type { RateLimiter } from "./services/rate-limit";
import type { Agreement } from "./services/agreement";
import type { CheckIns } from "./services/check-ins";
import type { Exercises } from "./services/exercises";
import type { Access } from "./services/access";
import type { Dashboard } from "./services/dashboard";
import type { Notes } from "./services/notes";
import type { Sessions } from "./services/sessions";
import type { Journey } from "./services/journey";
import type { DataRights } from "./services/data-rights";
import type { PrivateSpace } from "./services/private-space";
import type { Rooms } from "./services/rooms";
import type { Signing } from "./services/signing";

export interface Runtime {
  config: Config;
  driver: "postgres" | "pglite";
  /** Answers when the database does. */
  ping(): Promise<void>;
  accounts: Accounts;
  rooms: Rooms;
  invites: Invites;
  rateLimiter: RateLimiter;
  agreement: Agreement;
  signing: Signing;
  checkIns: CheckIns;
  exercises: Exercises;
  access: Access;
  sessions: Sessions;
  notes: Notes;
  dashboard: Dashboard;
  privateSpace: PrivateSpace;
  journey: Journey;
  dataRights: DataRights;
}

const KEY = Symbol.for("mend.runtime");
type Holder = { [KEY]?: Runtime };

export function setRuntime(runtime: Runtime | undefined): void {
  (globalThis as Holder)[KEY] = runtime;
}

export function getRuntime(): Runtime {
  const runtime = (globalThis as Holder)[KEY];
  if (!runtime) {
    throw new Error("Mend's runtime is not set up: start the app with `npm start` (server/index.ts), not `next start`.");
  }
  return runtime;
}
