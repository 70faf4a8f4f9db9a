// Reconnect delays: exponential with full jitter (a random delay between 0 and the capped
// exponential step), so that a thousand dashboards that lost the same gateway do not come back in
// one wave. See "Exponential Backoff And Jitter" (AWS Architecture Blog, 2015).

export class Backoff {
  /**
   * @param {number} baseMs the first step's ceiling
   * @param {number} capMs no delay is longer than this
   * @param {function(): number} random a source of numbers in [0, 1)
   */
  constructor(baseMs = 500, capMs = 15000, random = Math.random) {
    this.baseMs = baseMs;
    this.capMs = capMs;
    this.random = random;
    this.failures = 0;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  next() {
    const ceiling = Math.min(this.capMs, this.baseMs * 2 ** Math.min(this.failures, 30));
    this.failures += 1;
    return Math.floor(this.random() * ceiling);
  }

  /** A connection worked: the next failure starts from the first step again. */
  reset() {
    this.failures = 0;
  }
}
