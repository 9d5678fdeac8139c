import { TrackerAuthError, TrackerRateLimitedError, TrackerRequestError, TrackerUnavailableError } from '../errors';

/** What a failed jira.js call carries: its HttpException's status, and the axios answer as its cause. */
interface JiraFailure {
  status?: number;
  response?: unknown;
  cause?: { response?: { status?: number; headers?: Record<string, unknown>; data?: unknown } };
}

/** A 429 as Atlassian documents it: how long to wait, and which limit (its scope) was hit. */
export interface JiraLimitHit {
  retryAt: number;
  /** `RateLimit-Reason`: jira-burst-based (one endpoint), jira-per-issue-on-write (one issue), jira-quota-* (everything). */
  reason: string;
}

/** The status of a jira.js failure (undefined: no answer at all, e.g. connection refused). */
export function jiraStatus(err: unknown): number | undefined {
  const f = err as JiraFailure;
  return f.cause?.response?.status ?? (typeof f.status === 'number' && f.response !== undefined ? f.status : undefined);
}

/** Reads Retry-After (seconds) or X-RateLimit-Reset (a time) and RateLimit-Reason from a 429; null when not one. */
export function jiraLimitHit(err: unknown, now = Date.now()): JiraLimitHit | null {
  if (jiraStatus(err) !== 429) return null;
  const headers = (err as JiraFailure).cause?.response?.headers ?? {};
  const retryAfter = Number(headers['retry-after']);
  const reset = Date.parse(String(headers['x-ratelimit-reset'] ?? ''));
  const retryAt =
    Number.isFinite(retryAfter) && retryAfter >= 0 ? now + retryAfter * 1000 : reset > now ? reset : now + 5_000;
  return { retryAt, reason: String(headers['ratelimit-reason'] ?? 'jira-burst-based') };
}

/** Jira's own words for a refusal: `errorMessages` and the per-field `errors`. */
export function jiraMessages(err: unknown): string {
  const data = (err as JiraFailure).cause?.response?.data as
    { errorMessages?: string[]; errors?: Record<string, string>; message?: string } | undefined;
  const parts = [...(data?.errorMessages ?? []), ...Object.entries(data?.errors ?? {}).map(([k, v]) => `${k}: ${v}`)];
  if (data?.message) parts.push(data.message);
  return parts.length > 0 ? parts.join('; ') : err instanceof Error ? err.message : String(err);
}

/** Maps a jira.js failure to the tracker's error kinds. */
export function toJiraTrackerError(err: unknown, operation: string, tokenEnv: string): Error {
  const status = jiraStatus(err);
  const hit = jiraLimitHit(err);
  if (hit) return new TrackerRateLimitedError('Jira', hit.retryAt, { cause: err });
  if (status === 401 || status === 403)
    return new TrackerAuthError('Jira', tokenEnv, `${status}: ${jiraMessages(err)}`, { cause: err });
  if (status === undefined || status >= 500)
    return new TrackerUnavailableError('Jira', status, jiraMessages(err), { cause: err });
  return new TrackerRequestError('Jira', operation, jiraMessages(err), { cause: err });
}
