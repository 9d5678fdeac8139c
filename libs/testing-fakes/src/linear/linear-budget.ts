/** Linear's limits for one authenticated user (API key) or user/app pair (OAuth). */
export interface LinearLimits {
  maxComplexity: number;
  complexityPerHour: number;
  requestsPerHour: number;
}

/** How a request authenticates: a personal API key (`Authorization: <key>`) or an OAuth app token (`Bearer`). */
export type LinearAuthKind = 'apiKey' | 'oauth';

/**
 * Linear's published limits per authentication kind (linear.app/developers/rate-limiting, as of
 * 2026): 10,000 points per query; API keys 5,000 requests and 3,000,000 complexity points an hour
 * per user, OAuth apps 5,000 requests and 2,000,000 points an hour per user and app. (They have
 * moved before: 1,500 → 2,500 → 5,000 requests, 250,000 → 3,000,000 points; docs/trackers.md.)
 */
export const LINEAR_LIMITS_BY_AUTH: Record<LinearAuthKind, LinearLimits> = {
  apiKey: { maxComplexity: 10_000, complexityPerHour: 3_000_000, requestsPerHour: 5_000 },
  oauth: { maxComplexity: 10_000, complexityPerHour: 2_000_000, requestsPerHour: 5_000 },
};

/** An API key's limits (the fake's default). */
export const LINEAR_LIMITS: LinearLimits = LINEAR_LIMITS_BY_AUTH.apiKey;

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
