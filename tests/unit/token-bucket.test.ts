import { describe, expect, it } from "vitest";
import { TokenBucket } from "@/server/realtime/token-bucket";

describe("token bucket", () => {
  it("allows a burst, then the sustained rate, and refills with time", () => {
    const bucket = new TokenBucket(10, 5, 0);
    const burst = Array.from({ length: 7 }, () => bucket.take(0));
    expect(burst).toEqual([true, true, true, true, true, false, false]);
    expect(bucket.take(50)).toBe(false); // half a token
    expect(bucket.take(100)).toBe(true); // one token after 100 ms at 10/s
    expect(bucket.take(100)).toBe(false);
    // A long pause refills to the burst, no more.
    expect(Array.from({ length: 6 }, () => bucket.take(60_000)).filter(Boolean)).toHaveLength(5);
  });

  it("a clock stepping backwards neither drains nor refills it", () => {
    const bucket = new TokenBucket(10, 2, 10_000);
    expect(bucket.take(0)).toBe(true); // an hour "earlier": still one of the two tokens
    expect(bucket.take(0)).toBe(true);
    expect(bucket.take(50)).toBe(false); // no refill from going back and forth
    expect(bucket.take(10_100)).toBe(true);
  });
});
