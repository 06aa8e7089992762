/**
 * A token bucket: `rate` messages a second on average, bursts up to `burst`. Time is passed in
 * (milliseconds), so the rule is tested without a clock.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    // A clock that steps backwards neither drains the bucket nor refills it.
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.last) / 1000) * this.rate);
    this.last = Math.max(this.last, now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Limits per connection and per person. A fast typist sends a document update and a caret update
 * per keystroke: well under these. A client that floods is stopped before it costs others.
 */
export const LIMITS = {
  /** Yjs document frames per connection: sustained per second, and burst (then closed). */
  yjsFramesPerSecond: 60,
  yjsFrameBurst: 200,
  /**
   * Presence (awareness) frames per connection: a caret moving sends several per keystroke, so
   * those beyond this are dropped (presence is a latest-value state), never a reason to close.
   */
  awarenessFramesPerSecond: 40,
  awarenessFrameBurst: 120,
  /** socket.io commands per socket. */
  commandsPerSecond: 10,
  commandBurst: 30,
  /** Live document connections one person may have open to one room (tabs, devices). */
  connectionsPerPersonPerRoom: 8,
  /** Live document connections to one room in all. */
  connectionsPerRoom: 32,
} as const;
