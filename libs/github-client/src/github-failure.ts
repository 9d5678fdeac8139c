/** What went wrong with a GitHub call, in terms an adapter can act on. */
export interface GitHubFailure {
  kind: 'auth' | 'rate_limited' | 'unavailable' | 'not_found' | 'invalid' | 'other';
  status?: number;
  /** When a rate limit lifts (epoch ms). */
  retryAt?: number;
  /** GitHub's own message, without URLs carrying credentials or request headers. */
  message: string;
  /** Validation errors of a 422 (e.g. "A pull request already exists for owner:branch."). */
  details: string[];
}

interface RequestErrorLike {
  status?: number;
  message?: string;
  response?: {
    headers?: Record<string, string | number | undefined>;
    data?: { message?: string; errors?: Array<{ message?: string; code?: string; field?: string }> };
  };
}

/** Classifies an Octokit RequestError (or a network failure) without keeping its request (which holds headers). */
export function classifyGitHubError(err: unknown, now = Date.now()): GitHubFailure {
  const e = (err ?? {}) as RequestErrorLike;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const headers = e.response?.headers ?? {};
  const data = e.response?.data;
  const message = (data?.message ?? e.message ?? String(err)).split('\n')[0]!.slice(0, 300);
  const details = (data?.errors ?? [])
    .map((x) => x.message ?? [x.field, x.code].filter(Boolean).join(' '))
    .filter(Boolean);
  const base = { status, message, details };
  const remaining = headers['x-ratelimit-remaining'];
  if ((status === 403 || status === 429) && (String(remaining) === '0' || /rate limit/i.test(message))) {
    const after = Number(headers['retry-after']);
    const reset = Number(headers['x-ratelimit-reset']);
    const retryAt =
      Number.isFinite(after) && after > 0
        ? now + after * 1000
        : Number.isFinite(reset) && reset > 0
          ? reset * 1000
          : now + 60_000;
    return { kind: 'rate_limited', retryAt, ...base };
  }
  if (status === 401 || status === 403) return { kind: 'auth', ...base };
  if (status === 404) return { kind: 'not_found', ...base };
  if (status === 422 || status === 400) return { kind: 'invalid', ...base };
  if (status === undefined || status >= 500)
    return { kind: status === undefined && !(err instanceof Error) ? 'other' : 'unavailable', ...base };
  return { kind: 'other', ...base };
}

/** `owner/name` → its parts; throws TypeError naming the value when it is not that shape. */
export function splitRepo(fullName: string): { owner: string; repo: string } {
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(fullName);
  if (!m) throw new TypeError(`${JSON.stringify(fullName)} is not a GitHub repository name: write it as owner/name.`);
  return { owner: m[1]!, repo: m[2]! };
}
