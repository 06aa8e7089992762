import { describe, expect, it } from "vitest";
import { reconnectDelay } from "@/app/lib/backoff";

describe("reconnect delay", () => {
  it("grows with each attempt up to the cap, and never falls below half the base", () => {
    expect(reconnectDelay(0, 0)).toBe(125);
    expect(reconnectDelay(0, 1)).toBe(250);
    expect(reconnectDelay(3, 1)).toBe(2000);
    expect(reconnectDelay(10, 1)).toBe(10_000);
    expect(reconnectDelay(1000, 1)).toBe(10_000);
    for (let attempt = 0; attempt < 30; attempt++) expect(reconnectDelay(attempt, 0)).toBe(125);
  });

  it("spreads a thousand browsers that lost the same server over the whole window", () => {
    // A fixed sequence of "random" numbers stands in for a thousand browsers.
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const delays = Array.from({ length: 1000 }, () => reconnectDelay(5, random()));
    const buckets = new Array(8).fill(0) as number[];
    for (const d of delays) buckets[Math.min(7, Math.floor((d / 8000) * 8))]!++;
    // Each eighth of the 8 s window gets some of them: nobody waits for one instant together.
    for (const n of buckets) expect(n).toBeGreaterThan(60);
    expect(new Set(delays).size).toBeGreaterThan(500);
  });
});
