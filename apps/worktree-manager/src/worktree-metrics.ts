import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Everything the worktree-manager counts, registered in the service's registry. */
export interface WorktreeMetrics {
  created: Counter<'repo'>;
  /** reason: `request` (the runner's finally), `orphan` (the sweeper), `hook_failed` (afterCreate). */
  removed: Counter<'repo' | 'reason'>;
  orphansSwept: Counter<'repo'>;
  gitSeconds: Histogram<'op'>;
  jobSeconds: Histogram<'op' | 'result'>;
  hookFailures: Counter<'kind'>;
  waitingForDisk: Gauge;
}

/** What the scrape-time gauges read. */
export interface WorktreeProbes {
  /** Worktrees present on this host. */
  live(): Promise<number>;
  /** Bytes used under the worktree root (cached measurement). */
  diskBytes(): Promise<number>;
  /** The budget in bytes, when one is configured. */
  budgetBytes?: number;
}

/** Creates the `nightshift_worktrees_*` metrics in `registry`. */
export function worktreeMetrics(registry: Registry, probes: WorktreeProbes): WorktreeMetrics {
  const registers = [registry];
  new Gauge({
    name: 'nightshift_worktrees_live',
    help: 'Worktrees present on this host',
    registers,
    async collect() {
      this.set(await probes.live());
    },
  });
  new Gauge({
    name: 'nightshift_worktrees_disk_bytes',
    help: 'Bytes used under the worktree root (mirrors and worktrees)',
    registers,
    async collect() {
      this.set(await probes.diskBytes());
    },
  });
  if (probes.budgetBytes !== undefined) {
    const budget = new Gauge({
      name: 'nightshift_worktrees_disk_budget_bytes',
      help: 'worktrees.maxDiskGb in bytes',
      registers,
    });
    budget.set(probes.budgetBytes);
  }
  return {
    created: new Counter({
      name: 'nightshift_worktrees_created_total',
      help: 'Worktrees created (reuses not counted)',
      labelNames: ['repo'],
      registers,
    }),
    removed: new Counter({
      name: 'nightshift_worktrees_removed_total',
      help: 'Worktrees removed, by why',
      labelNames: ['repo', 'reason'],
      registers,
    }),
    orphansSwept: new Counter({
      name: 'nightshift_worktrees_orphans_swept_total',
      help: 'Worktrees no live session owned, removed by the sweeper',
      labelNames: ['repo'],
      registers,
    }),
    gitSeconds: new Histogram({
      name: 'nightshift_worktrees_git_operation_duration_seconds',
      help: 'Duration of each git command the worktree store runs',
      labelNames: ['op'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    }),
    jobSeconds: new Histogram({
      name: 'nightshift_worktrees_job_duration_seconds',
      help: 'Duration of worktree.create / worktree.remove jobs, disk waits included',
      labelNames: ['op', 'result'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
      registers,
    }),
    hookFailures: new Counter({
      name: 'nightshift_worktrees_hook_failures_total',
      help: 'Repo hooks that failed in the worktree-manager',
      labelNames: ['kind'],
      registers,
    }),
    waitingForDisk: new Gauge({
      name: 'nightshift_worktrees_waiting_for_disk',
      help: 'Creates waiting because the disk budget is exceeded',
      registers,
    }),
  };
}
