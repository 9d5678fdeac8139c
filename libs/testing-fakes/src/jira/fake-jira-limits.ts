/**
 * Jira Cloud's limits as the fake enforces them (developer.atlassian.com/cloud/jira/platform/rate-limiting):
 * a burst limit per endpoint and HTTP method, and a write limit per issue. Past either the answer is
 * 429 with `Retry-After` (seconds), `X-RateLimit-Reset` and `RateLimit-Reason` naming the limit.
 */
export interface FakeJiraLimits {
  /** Requests per endpoint and method in one burst window. */
  burstPerEndpoint: number;
  burstWindowMs: number;
  /** Writes to one issue in one window. */
  writesPerIssue: number;
  issueWindowMs: number;
}

export const FAKE_JIRA_LIMITS: FakeJiraLimits = {
  burstPerEndpoint: 100,
  burstWindowMs: 1_000,
  writesPerIssue: 20,
  issueWindowMs: 2_000,
};

export type JiraLimitReason = 'jira-burst-based' | 'jira-per-issue-on-write' | 'jira-quota-tenant-based';

/** Fixed windows of counts by scope. */
export class WindowCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one; returns the ms until the window resets when over the limit, else 0. */
  take(scope: string, now = Date.now()): number {
    let w = this.windows.get(scope);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(scope, w);
    }
    if (w.count >= this.max) return w.start + this.windowMs - now;
    w.count += 1;
    return 0;
  }
}

/** Headers of a 429 as Jira sends them. */
export function limitHeaders(reason: JiraLimitReason, retryAfterMs: number): Record<string, string> {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return {
    'retry-after': String(seconds),
    'x-ratelimit-reset': new Date(Date.now() + seconds * 1000).toISOString(),
    'ratelimit-reason': reason,
  };
}
