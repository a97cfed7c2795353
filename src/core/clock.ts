/** The source of time for expiry: milliseconds since the epoch. Inject a fake one in tests. */
export interface Clock {
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * Stamps of last use that strictly increase within one context, even when the clock
 * stands still (a fake clock, or many uses in one millisecond), so LRU order is exact.
 */
export class UseStamps {
  #last = -Infinity;

  /** A stamp after every earlier one, close to `now`. */
  next(now: number): number {
    this.#last = Math.max(now, this.#last + 0.001);
    return this.#last;
  }
}
