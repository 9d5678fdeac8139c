/**
 * Linear's limits for one API key. Defaults are Linear's published figures: 10,000 points per
 * query, 250,000 complexity points and 2,500 requests an hour per key (the request figure has moved
 * over time, 1,500 → 2,500 → reports of 5,000; the fake takes the stricter current one).
 */
export interface LinearLimits {
  maxComplexity: number;
  complexityPerHour: number;
  requestsPerHour: number;
}

export const LINEAR_LIMITS: LinearLimits = { maxComplexity: 10_000, complexityPerHour: 250_000, requestsPerHour: 2_500 };

const HOUR_MS = 3_600_000;

/**
 * A leaky bucket as Linear describes its limiters: full at `limit`, refilled at a constant
 * `limit / hour`. `resetAt` is when it would be full again (epoch ms, as Linear's headers say).
 */
export class LeakyBucket {
  private level: number;
  private at: number;

  constructor(
    readonly limit: number,
    now = Date.now(),
  ) {
    this.level = limit;
    this.at = now;
  }

  remaining(now = Date.now()): number {
    this.level = Math.min(this.limit, this.level + ((now - this.at) * this.limit) / HOUR_MS);
    this.at = now;
    return this.level;
  }

  /** Takes `amount` if that much is left; false (and nothing taken) otherwise. */
  take(amount: number, now = Date.now()): boolean {
    if (this.remaining(now) < amount) return false;
    this.level -= amount;
    return true;
  }

  resetAt(now = Date.now()): number {
    return Math.ceil(now + ((this.limit - this.remaining(now)) * HOUR_MS) / this.limit);
  }

  /** Empties the bucket (a test that needs the limit reached without spending an hour of requests). */
  drain(now = Date.now()): void {
    this.level = 0;
    this.at = now;
  }
}

/** The two budgets of one key, and the `x-ratelimit-*` headers Linear sends with every answer. */
export class KeyBudget {
  readonly requests: LeakyBucket;
  readonly complexity: LeakyBucket;

  constructor(limits: LinearLimits) {
    this.requests = new LeakyBucket(limits.requestsPerHour);
    this.complexity = new LeakyBucket(limits.complexityPerHour);
  }

  headers(now = Date.now()): Record<string, string> {
    return {
      'x-ratelimit-requests-limit': String(this.requests.limit),
      'x-ratelimit-requests-remaining': String(Math.floor(this.requests.remaining(now))),
      'x-ratelimit-requests-reset': String(this.requests.resetAt(now)),
      'x-ratelimit-complexity-limit': String(this.complexity.limit),
      'x-ratelimit-complexity-remaining': String(Math.floor(this.complexity.remaining(now))),
      'x-ratelimit-complexity-reset': String(this.complexity.resetAt(now)),
    };
  }
}
