import type { GitHubClient } from '@nightshift/github-client';

/** How a PR merges into its base, as GitHub computed it; `unknown` when it had not finished computing. */
export interface Mergeability {
  mergeable: boolean | null;
  /** GitHub's `mergeable_state`: `clean`, `behind` (merges, but the base moved), `dirty` (conflicts), `unknown` … */
  state: string;
  /** Single-PR reads this took (each one counts against the API budget). */
  reads: number;
  /** The PR's head commit at the last read. */
  headSha: string;
}

export interface MergeableOptions {
  /** Wait this long before asking again while GitHub computes. Default 2 s. */
  retryMs?: number;
  /** Reads at most, the first included. Default 3: a PR still unknown is asked about again next scan. */
  tries?: number;
}

/**
 * Reads a PR's `mergeable`. GitHub computes it lazily, in a background job that the first read after the head or
 * the base moved starts: that read answers null. So a null is asked again after `retryMs`, up to `tries` reads,
 * one at a time (never a burst: each read counts against the budget and the per-minute endpoint points).
 */
export async function readMergeable(
  client: GitHubClient,
  where: { owner: string; repo: string },
  number: number,
  opts: MergeableOptions = {},
): Promise<Mergeability> {
  const tries = Math.max(1, opts.tries ?? 3);
  let reads = 0;
  for (;;) {
    const { data } = await client.rest.pulls.get({ ...where, pull_number: number });
    reads++;
    if (data.mergeable !== null || reads >= tries)
      return { mergeable: data.mergeable, state: data.mergeable_state ?? 'unknown', reads, headSha: data.head.sha };
    await new Promise((resolve) => setTimeout(resolve, opts.retryMs ?? 2000));
  }
}

/**
 * GitHub's "update a pull request branch": the base merged into the PR's branch on GitHub's side (a merge commit,
 * never a force push), only while the branch's head is still `expectedHeadSha` — the commit Nightshift last pushed.
 * 'head_moved' when someone else pushed since (GitHub's 422), so their commit is never built over unseen.
 */
export async function updatePrBranch(
  client: GitHubClient,
  where: { owner: string; repo: string },
  number: number,
  expectedHeadSha: string,
): Promise<'updated' | 'head_moved'> {
  try {
    await client.rest.pulls.updateBranch({ ...where, pull_number: number, expected_head_sha: expectedHeadSha });
    return 'updated';
  } catch (err) {
    const e = err as { status?: number; response?: { data?: { message?: string } } };
    if (e.status === 422 && /expected head sha/i.test(e.response?.data?.message ?? '')) return 'head_moved';
    throw err;
  }
}
