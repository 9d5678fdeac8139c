import type { DiskUsage } from '@nightshift/git';
import type { ServiceRuntime } from '@nightshift/service-shell';
import type { EventLog } from '@nightshift/state';

import { DiskBudgetFullError } from './errors/disk-budget-full.error';
import { DiskWaitAbortedError } from './errors/disk-wait-aborted.error';
import type { WorktreeMetrics } from './worktree-metrics';
import type { WorktreeSweeper } from './worktree-sweeper';

export interface DiskBudgetDeps {
  /** worktrees.maxDiskGb in bytes. */
  maxBytes: number;
  usage: DiskUsage;
  sweeper: WorktreeSweeper;
  events: EventLog;
  metrics: WorktreeMetrics;
  host: string;
  logger: ServiceRuntime['logger'];
  /** How often a waiting create looks again. Default 3 s. */
  pollMs?: number;
  /** Aborted on shutdown: a waiting create then fails instead of holding the process. */
  signal?: AbortSignal;
  /** At most this many creates wait at once; more fail with DiskBudgetFullError. Default: no limit. */
  maxWaiting?: number;
}

/**
 * Holds new worktrees back while the worktree root is over its budget. A waiting create says why once (a
 * `worktree.waiting_for_disk` event and the waiting gauge), asks the sweeper to free finished worktrees
 * (oldest first; live ones are never touched), and looks again every pollMs until there is room.
 */
export class DiskBudget {
  private readonly pollMs: number;
  private waiting = 0;

  constructor(private readonly deps: DiskBudgetDeps) {
    this.pollMs = deps.pollMs ?? 3000;
  }

  /** Resolves once usage is within budget; returns how long it waited (0 when there was room). */
  async waitForSpace(ctx: { repo: string; runId: string }): Promise<number> {
    const { usage, maxBytes, metrics, logger } = this.deps;
    const started = Date.now();
    let announced = false;
    try {
      for (;;) {
        const used = await usage.bytes();
        if (used <= maxBytes) {
          if (announced)
            logger.info(
              { repo: ctx.repo, run: ctx.runId, waitedMs: Date.now() - started, used },
              'disk budget has room again; creating the worktree',
            );
          return Date.now() - started;
        }
        if (!announced) {
          if (this.waiting >= (this.deps.maxWaiting ?? Number.POSITIVE_INFINITY))
            throw new DiskBudgetFullError(used, maxBytes, this.waiting);
          announced = true;
          this.waiting++;
          metrics.waitingForDisk.inc();
          await this.announce(ctx, used);
        }
        // Shared between waiters: at most one sweep per poll interval, however many creates wait.
        await this.deps.sweeper.sweep('disk', this.pollMs);
        if ((await usage.bytes()) <= maxBytes) continue;
        await this.pause();
      }
    } finally {
      if (announced) {
        this.waiting--;
        metrics.waitingForDisk.dec();
      }
    }
  }

  private async announce(ctx: { repo: string; runId: string }, used: number): Promise<void> {
    const gb = (n: number) => (n / 1024 ** 3).toFixed(2);
    const reason = `worktree root ${this.deps.usage.dir} uses ${gb(used)} GB, over worktrees.maxDiskGb ${gb(this.deps.maxBytes)}; waiting for finished worktrees to be freed`;
    this.deps.logger.warn({ repo: ctx.repo, run: ctx.runId, used, max: this.deps.maxBytes }, reason);
    await this.deps.events.append({
      type: 'worktree.waiting_for_disk',
      repo: ctx.repo,
      host: this.deps.host,
      run: ctx.runId,
      detail: { usedBytes: used, maxBytes: this.deps.maxBytes, reason },
    });
  }

  private pause(): Promise<void> {
    const signal = this.deps.signal;
    if (signal?.aborted)
      return Promise.reject(
        new DiskWaitAbortedError('the worktree-manager is shutting down; the create was not started'),
      );
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(new DiskWaitAbortedError('the worktree-manager is shutting down; the create was not started'));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, this.pollMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
