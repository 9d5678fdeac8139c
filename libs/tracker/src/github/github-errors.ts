import { classifyGitHubError } from '@nightshift/github-client';

import { TrackerAuthError, TrackerRateLimitedError, TrackerRequestError, TrackerUnavailableError } from '../errors';

/** Maps an Octokit failure to the tracker's error kinds (404 is left to the caller: it often means "no such ticket"). */
export function toTrackerError(err: unknown, operation: string, tokenEnv: string): Error {
  const f = classifyGitHubError(err);
  const detail = [f.message, ...f.details].join('; ');
  switch (f.kind) {
    case 'rate_limited':
      return new TrackerRateLimitedError('GitHub', f.retryAt!, { cause: err });
    case 'auth':
      return new TrackerAuthError('GitHub', tokenEnv, detail, { cause: err });
    case 'unavailable':
      return new TrackerUnavailableError('GitHub', f.status, detail, { cause: err });
    default:
      return new TrackerRequestError('GitHub', operation, detail, { cause: err });
  }
}

/** Issue numbers named as blockers in a body: "blocked by #12", "Blocked by: owner/repo#3" (other repos keep their name). */
export function parseBlockers(body: string, ownRepo: string): Array<{ repo: string; number: number }> {
  const out: Array<{ repo: string; number: number }> = [];
  for (const m of body.matchAll(
    /\bblocked\s+by:?\s+((?:[\w.-]+\/[\w.-]+)?#\d+(?:\s*(?:,|and)\s*(?:[\w.-]+\/[\w.-]+)?#\d+)*)/gi,
  )) {
    for (const ref of m[1]!.matchAll(/([\w.-]+\/[\w.-]+)?#(\d+)/g)) {
      const item = { repo: ref[1] ?? ownRepo, number: Number(ref[2]) };
      if (!out.some((o) => o.repo === item.repo && o.number === item.number)) out.push(item);
    }
  }
  return out;
}
