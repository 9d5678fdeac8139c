/**
 * The disk budget is exceeded and as many creates as may wait are already waiting: this one fails at once
 * (the session counts it as an infra error and retries later) so waiting creates never take every worker
 * slot from the removals that would free the disk.
 */
export class DiskBudgetFullError extends Error {
  override readonly name = 'DiskBudgetFullError';
  constructor(usedBytes: number, maxBytes: number, waiting: number) {
    const gb = (n: number) => (n / 1024 ** 3).toFixed(2);
    super(
      `worktree root uses ${gb(usedBytes)} GB, over worktrees.maxDiskGb ${gb(maxBytes)}, and ${waiting} creates are already waiting: ` +
        'free disk (finished worktrees are swept automatically), raise worktrees.maxDiskGb, or run fewer sessions on this host',
    );
  }
}
