/**
 * When to try again after a lost connection: exponential, capped, with "full jitter" (a random
 * point in the window), so a thousand browsers that lost the same server do not all knock again
 * at the same instant. Pure: `random` is passed in.
 */
export function reconnectDelay(attempt: number, random: number, baseMs = 250, capMs = 10_000): number {
  const window = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 20));
  // Never quite zero: a server that closes at once should not be hammered in a tight loop.
  return Math.round(baseMs / 2 + random * (window - baseMs / 2));
}
