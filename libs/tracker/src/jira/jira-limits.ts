import { TrackerRateLimitedError } from '../errors';
import type { JiraLimitHit } from './jira-errors';

/**
 * The hourly request budget the Jira tracker lives within unless `tracker.budget` says otherwise.
 * Atlassian publishes no hourly quota for API-token traffic (it is governed by burst limits per
 * endpoint and per-issue write limits); apps (OAuth 2.0, Forge, Connect) have points-based hourly
 * quotas per tier. This figure is Nightshift's conservative default; set your app's quota there.
 */
export const JIRA_DEFAULT_HOURLY_REQUESTS = 10_000;

/**
 * Back-off by the scope Atlassian names in `RateLimit-Reason`: a burst limit holds one endpoint, a
 * per-issue write limit holds writes to one issue, a quota (jira-quota-*) holds every call.
 */
export class JiraBackoff {
  private readonly until = new Map<string, number>();

  /** Throws TrackerRateLimitedError while a limit covering this call lasts. */
  check(endpoint: string, issueKey?: string, write = false, now = Date.now()): void {
    const scopes = ['all', `endpoint:${endpoint}`, ...(write && issueKey ? [`issue:${issueKey}`] : [])];
    const retryAt = Math.max(0, ...scopes.map((s) => this.until.get(s) ?? 0));
    if (retryAt > now) throw new TrackerRateLimitedError('Jira', retryAt);
  }

  /** Records a 429 against the scope its reason names. */
  record(hit: JiraLimitHit, endpoint: string, issueKey?: string): void {
    const scope =
      hit.reason === 'jira-per-issue-on-write' && issueKey
        ? `issue:${issueKey}`
        : hit.reason.startsWith('jira-quota')
          ? 'all'
          : `endpoint:${endpoint}`;
    this.until.set(scope, Math.max(this.until.get(scope) ?? 0, hit.retryAt));
  }
}
