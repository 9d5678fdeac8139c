/** What kind of trouble a remote forge reported. */
export type ForgeFailureKind = 'auth' | 'rate_limited' | 'unavailable' | 'rejected';

/**
 * A remote forge (GitHub) call failed. One class for the remote kinds, told apart by `kind`, since
 * callers act the same way on all of them (the job fails, is retried, and find-or-create converges).
 */
export class ForgeRemoteError extends Error {
  override readonly name = 'ForgeRemoteError';

  constructor(
    readonly forge: string,
    readonly kind: ForgeFailureKind,
    readonly operation: string,
    detail: string,
    /** When a rate limit lifts (epoch ms). */
    readonly retryAt?: number,
  ) {
    super(`${forge} ${describe(kind, retryAt)} while ${operation}: ${detail}. ${remedy(kind)}`);
  }
}

function describe(kind: ForgeFailureKind, retryAt?: number): string {
  switch (kind) {
    case 'auth':
      return 'refused the credentials';
    case 'rate_limited':
      return `rate-limited Nightshift until ${retryAt ? new Date(retryAt).toISOString() : 'later'}`;
    case 'unavailable':
      return 'was unavailable';
    case 'rejected':
      return 'rejected the request';
  }
}

function remedy(kind: ForgeFailureKind): string {
  switch (kind) {
    case 'auth':
      return 'Check that the token in the environment variable named by forge.tokenEnv is valid and has the permissions listed in docs/trackers.md.';
    case 'rate_limited':
    case 'unavailable':
      return 'The job is retried; the PR is found or created once GitHub answers again.';
    case 'rejected':
      return 'Check forge.repos (owner/name), the base branch and that the branch was pushed.';
  }
}
