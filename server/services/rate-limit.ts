import { and, eq, lt, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { rateLimits } from "@/db/schema";

export interface Limit {
  /** What is counted, e.g. `signin:email:ana@example.org`. */
  key: string;
  max: number;
  windowSeconds: number;
}

/**
 * Fixed-window counters in the database, so every server process sees the same count and a
 * restart does not reset them.
 */
export function createRateLimiter(db: Database) {
  const windowStart = (limit: Limit) => {
    const ms = limit.windowSeconds * 1000;
    const start = Math.floor(Date.now() / ms) * ms;
    return { start: new Date(start), retryAfterSeconds: Math.ceil((start + ms - Date.now()) / 1000) };
  };

  return {
    /** Counts one attempt; returns whether it is within the limit. */
    async hit(limit: Limit): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
      const { start, retryAfterSeconds } = windowStart(limit);
      const [row] = await db
        .insert(rateLimits)
        .values({ key: limit.key, windowStart: start, count: 1 })
        .onConflictDoUpdate({
          target: [rateLimits.key, rateLimits.windowStart],
          set: { count: sql`${rateLimits.count} + 1` },
        })
        .returning({ count: rateLimits.count });
      return { allowed: (row?.count ?? 1) <= limit.max, retryAfterSeconds };
    },

    /** Whether the limit is already used up, without counting. */
    async exceeded(limit: Limit): Promise<{ exceeded: boolean; retryAfterSeconds: number }> {
      const { start, retryAfterSeconds } = windowStart(limit);
      const rows = await db
        .select({ count: rateLimits.count })
        .from(rateLimits)
        // Through the columns, so the Date is encoded the same way by both drivers.
        .where(and(eq(rateLimits.key, limit.key), eq(rateLimits.windowStart, start)));
      return { exceeded: (rows[0]?.count ?? 0) >= limit.max, retryAfterSeconds };
    },

    /** Takes back one hit (an attempt that turned out fine). */
    async refund(limit: Limit): Promise<void> {
      const { start } = windowStart(limit);
      await db
        .update(rateLimits)
        .set({ count: sql`greatest(${rateLimits.count} - 1, 0)` })
        .where(and(eq(rateLimits.key, limit.key), eq(rateLimits.windowStart, start)));
    },

    async prune(olderThan = new Date(Date.now() - 24 * 60 * 60 * 1000)): Promise<void> {
      await db.delete(rateLimits).where(lt(rateLimits.windowStart, olderThan));
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
