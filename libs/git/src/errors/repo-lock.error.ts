/** The per-repo lock could not be taken in time (another process holds it) or could not be created. */
export class RepoLockError extends Error {
  override readonly name = 'RepoLockError';
  constructor(
    readonly repo: string,
    readonly lockPath: string,
    reason: string,
  ) {
    super(
      `could not lock repo ${repo} (${lockPath}): ${reason}; another worktree-manager may hold it for a long git ` +
        'operation — if no such process is alive, the lock goes stale by itself within ~30 s',
    );
  }
}
