import { randomUUID } from 'node:crypto';

import { GITHUB_DOCS, type RouteAnswer } from './github-route-answers';

/**
 * GitHub's REST limits for one token (docs.github.com, "Rate limits for the REST API"): the primary
 * 5,000 requests an hour, and the secondary limits: at most 100 concurrent requests, 900 points a
 * minute per endpoint (a read costs 1, a write 5), and 80 content-creating requests a minute and 500
 * an hour. The windows are settable so a test can reach a limit in seconds (scale both down alike).
 */
export interface GitHubLimits {
  requestsPerHour: number;
  maxConcurrent: number;
  endpointPointsPerMinute: number;
  contentPerMinute: number;
  contentPerHour: number;
  /** Length of GitHub's "minute" and "hour"; 60,000 and 3,600,000 ms unless a test scales them. */
  minuteMs: number;
  hourMs: number;
}

export const GITHUB_LIMITS: GitHubLimits = {
  requestsPerHour: 5_000,
  maxConcurrent: 100,
  endpointPointsPerMinute: 900,
  contentPerMinute: 80,
  contentPerHour: 500,
  minuteMs: 60_000,
  hourMs: 3_600_000,
};

/** Which limit refused a request. */
export type GitHubLimitName = 'primary' | 'concurrency' | 'endpoint-points' | 'content-minute' | 'content-hour';

export interface GitHubLimitHit {
  limit: GitHubLimitName;
  method: string;
  path: string;
  status: number;
  retryAfterSec?: number;
  at: number;
}

// PR create, issue create, comments, labels, review requests, reviews, assignees, and edits of a PR or
// issue (its body): every write that makes content someone is notified of.
const CONTENT =
  /^\/repos\/[^/]+\/[^/]+\/(?:pulls|issues|labels)(?:\/\d+(?:\/(?:comments|labels|requested_reviewers|reviews|assignees))?)?$/;

/** True for a request GitHub counts against the content-creation limits (80 a minute, 500 an hour). */
export function isContentCreation(method: string, path: string): boolean {
  return (method === 'POST' || method === 'PATCH' || method === 'PUT') && CONTENT.test(path);
}

/** Times of admitted events in a sliding window. */
class Window {
  private readonly at: number[] = [];
  constructor(private readonly ms: number) {}
  count(now: number): number {
    while (this.at.length > 0 && this.at[0]! <= now - this.ms) this.at.shift();
    return this.at.length;
  }
  add(now: number, times = 1): void {
    for (let i = 0; i < times; i++) this.at.push(now);
  }
  /** Seconds until the count falls below `limit` (GitHub's `retry-after`, at least 1). */
  retryAfterSec(limit: number, now: number): number {
    const oldest = this.at[this.at.length - limit] ?? now;
    return Math.max(1, Math.ceil((oldest + this.ms - now) / 1000));
  }
}

/**
 * The primary and secondary limits of one token, checked in the order GitHub applies them. `admit`
 * answers a request: null to serve it (then `release` when done), or GitHub's refusal.
 */
export class GitHubRateLimiter {
  readonly hits: GitHubLimitHit[] = [];
  private inFlight = 0;
  private windowStart = 0;
  private used = 0;
  private readonly contentMinute: Window;
  private readonly contentHour: Window;
  private readonly endpoints = new Map<string, Window>();

  constructor(readonly limits: GitHubLimits) {
    this.contentMinute = new Window(limits.minuteMs);
    this.contentHour = new Window(limits.hourMs);
  }

  /** The `x-ratelimit-*` headers GitHub sends with every answer. */
  headers(now = Date.now()): Record<string, string> {
    this.rollPrimary(now);
    return {
      'x-ratelimit-limit': String(this.limits.requestsPerHour),
      'x-ratelimit-remaining': String(Math.max(0, this.limits.requestsPerHour - this.used)),
      'x-ratelimit-used': String(this.used),
      'x-ratelimit-reset': String(Math.ceil((this.windowStart + this.limits.hourMs) / 1000)),
      'x-ratelimit-resource': 'core',
      'x-github-request-id': randomUUID(),
    };
  }

  admit(method: string, path: string, now = Date.now()): RouteAnswer | null {
    this.rollPrimary(now);
    if (this.used >= this.limits.requestsPerHour) return this.refuse('primary', method, path, 403, undefined, now);
    this.used += 1;
    if (this.inFlight >= this.limits.maxConcurrent) return this.refuse('concurrency', method, path, 429, 60, now);
    const endpoint = `${method} ${path.replace(/\/\d+(?=\/|$)/g, '/:n')}`;
    const points = method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? 1 : 5;
    const perEndpoint = this.endpoints.get(endpoint) ?? new Window(this.limits.minuteMs);
    this.endpoints.set(endpoint, perEndpoint);
    if (perEndpoint.count(now) + points > this.limits.endpointPointsPerMinute)
      return this.refuse(
        'endpoint-points',
        method,
        path,
        403,
        perEndpoint.retryAfterSec(perEndpoint.count(now), now),
        now,
      );
    if (isContentCreation(method, path)) {
      if (this.contentMinute.count(now) >= this.limits.contentPerMinute)
        return this.refuse(
          'content-minute',
          method,
          path,
          403,
          this.contentMinute.retryAfterSec(this.limits.contentPerMinute, now),
          now,
        );
      if (this.contentHour.count(now) >= this.limits.contentPerHour)
        return this.refuse(
          'content-hour',
          method,
          path,
          403,
          this.contentHour.retryAfterSec(this.limits.contentPerHour, now),
          now,
        );
      this.contentMinute.add(now);
      this.contentHour.add(now);
    }
    perEndpoint.add(now, points);
    this.inFlight += 1;
    return null;
  }

  /** A served request has been answered. */
  release(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /**
   * A conditional request answered 304 Not Modified gives its primary-budget request back: GitHub does not count
   * one made with an Authorization header against the primary limit.
   */
  refundPrimary(): void {
    this.used = Math.max(0, this.used - 1);
  }

  /** Spends the primary budget (a test that needs it reached without 5,000 requests). */
  drainPrimary(now = Date.now()): void {
    this.rollPrimary(now);
    this.used = this.limits.requestsPerHour;
  }

  // GitHub's primary window is fixed: it starts with the first request and resets an hour later.
  private rollPrimary(now: number): void {
    if (now >= this.windowStart + this.limits.hourMs) {
      this.windowStart = now;
      this.used = 0;
    }
  }

  private refuse(
    limit: GitHubLimitName,
    method: string,
    path: string,
    status: number,
    retryAfterSec: number | undefined,
    now: number,
  ): RouteAnswer {
    this.hits.push({ limit, method, path, status, retryAfterSec, at: now });
    const headers = this.headers(now);
    if (limit === 'primary')
      return {
        status,
        headers: { ...headers, 'x-ratelimit-remaining': '0' },
        body: {
          message: `API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID ${headers['x-github-request-id']}.`,
          documentation_url: `${GITHUB_DOCS}/using-the-rest-api/rate-limits-for-the-rest-api#about-primary-rate-limits`,
          status: String(status),
        },
      };
    return {
      status,
      headers: { ...headers, 'retry-after': String(retryAfterSec ?? 60) },
      body: {
        message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${headers['x-github-request-id']}.`,
        documentation_url: `${GITHUB_DOCS}/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
        status: String(status),
      },
    };
  }
}
