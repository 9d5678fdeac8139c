import * as fs from 'node:fs';

import type { DiskUsage, WorktreeInfo, WorktreeStore } from '@nightshift/git';
import type { ServiceRuntime } from '@nightshift/service-shell';
import type { EventLog, WorktreeOwner, WorktreeOwnership } from '@nightshift/state';

import type { ManagerHooks } from './manager-hooks';
import type { WorktreeLiveness } from './worktree-liveness';
import type { WorktreeMetrics } from './worktree-metrics';

export type SweepReason = 'start' | 'interval' | 'disk';

/** What one sweep did. */
export interface SweepResult {
  removed: Array<{ repo: string; worktreeKey: string; reason: string }>;
  kept: number;
  failed: number;
  staleRecords: number;
}

export interface SweeperDeps {
  store: WorktreeStore;
  liveness: WorktreeLiveness;
  ownership: WorktreeOwnership;
  hooks: ManagerHooks;
  events: EventLog;
  metrics: WorktreeMetrics;
  usage: DiskUsage;
  host: string;
  logger: ServiceRuntime['logger'];
}

/**
 * Removes the worktrees of this host that no live session owns, oldest first, then prunes git's worktree
 * registrations. Liveness is judged once for the whole host and again under the repo lock right before each
 * removal, so a worktree being created or reused at that moment is never taken. One sweep at a time: callers
 * arriving during a sweep share it.
 */
export class WorktreeSweeper {
  private running: Promise<SweepResult> | null = null;
  private lastFinishedAt = 0;
  private lastResult: SweepResult | null = null;
  private timer?: NodeJS.Timeout;

  constructor(private readonly deps: SweeperDeps) {}

  /** Runs a sweep (or joins the one in progress). `minGapMs` reuses a result younger than that instead. */
  sweep(reason: SweepReason, minGapMs = 0): Promise<SweepResult> {
    if (this.running) return this.running;
    if (minGapMs > 0 && this.lastResult && Date.now() - this.lastFinishedAt < minGapMs)
      return Promise.resolve(this.lastResult);
    this.running = this.sweepOnce(reason).finally(() => {
      this.running = null;
      this.lastFinishedAt = Date.now();
    });
    return this.running;
  }

  /** Sweeps now and then every `intervalMs`; errors are logged, the timer keeps going. */
  start(intervalMs: number): void {
    const tick = (reason: SweepReason) =>
      void this.sweep(reason).catch((err: unknown) =>
        this.deps.logger.error({ err: String(err) }, 'worktree sweep failed'),
      );
    tick('start');
    this.timer = setInterval(() => tick('interval'), intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a sweep in progress. Safe to call twice. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private async sweepOnce(reason: SweepReason): Promise<SweepResult> {
    const { store, liveness, ownership, logger } = this.deps;
    const worktrees = await store.listWorktrees();
    const { owners, judge } = await liveness.snapshot();
    const result: SweepResult = { removed: [], kept: 0, failed: 0, staleRecords: 0 };
    const candidates: Array<{ wt: WorktreeInfo; since: number; reason: string; owner: WorktreeOwner | null }> = [];
    for (const wt of worktrees) {
      const verdict = judge(wt);
      if (verdict.live) result.kept++;
      else
        candidates.push({
          wt,
          reason: verdict.reason,
          owner: verdict.owner,
          since: verdict.owner ? Date.parse(verdict.owner.createdAt) : await mtimeMs(wt.path),
        });
    }
    candidates.sort((a, b) => a.since - b.since); // finished worktrees are freed oldest first
    for (const c of candidates) {
      try {
        if (await this.removeOrphan(c.wt, c.owner))
          result.removed.push({ repo: c.wt.repo, worktreeKey: c.wt.worktreeKey, reason: c.reason });
        else result.kept++;
      } catch (err) {
        result.failed++;
        logger.error(
          { repo: c.wt.repo, worktree: c.wt.path, err: String(err) },
          'could not remove orphan worktree; next sweep retries',
        );
      }
    }
    // Records of worktrees that no longer exist, whose run is over: nothing to remove, just forget them.
    const onDisk = new Set(worktrees.map((w) => `${w.repo}/${w.worktreeKey}`));
    for (const owner of owners) {
      if (onDisk.has(`${owner.repo}/${owner.worktreeKey}`)) continue;
      const wt = { repo: owner.repo, worktreeKey: owner.worktreeKey, path: '' };
      // A kept worktree a human removed by hand: nothing is left to keep.
      if (
        (owner.keptFor || !judge(wt).live) &&
        (await ownership.release(owner.repo, owner.worktreeKey, owner.runId, owner.createdAt))
      )
        result.staleRecords++;
    }
    await store.pruneWorktrees();
    if (result.removed.length > 0) {
      this.deps.usage.invalidate();
      await this.deps.events.append({
        type: 'worktree.swept',
        host: this.deps.host,
        detail: {
          reason,
          removed: result.removed.length,
          kept: result.kept,
          worktrees: result.removed
            .map((r) => `${r.repo}/${r.worktreeKey}`)
            .join(' ')
            .slice(0, 500),
        },
      });
    }
    logger.info(
      {
        reason,
        removed: result.removed.length,
        kept: result.kept,
        failed: result.failed,
        staleRecords: result.staleRecords,
      },
      'worktree sweep done',
    );
    this.lastResult = result;
    return result;
  }

  /** Removes one orphan if it is still one under the repo lock; true when something was removed. */
  private async removeOrphan(wt: WorktreeInfo, owner: WorktreeOwner | null): Promise<boolean> {
    const { store, liveness, ownership, hooks, metrics, logger } = this.deps;
    const runId = owner?.runId ?? '';
    if (fs.existsSync(wt.path)) {
      // Outside the lock: a hook may take up to hooks.timeoutSec and must not stall creates of the repo.
      await hooks.beforeRemove({
        repo: wt.repo,
        worktreeKey: wt.worktreeKey,
        path: wt.path,
        branch: wt.branch ?? '',
        runId,
      });
    }
    const { removed, skipped } = await store.removeWorktree({
      repo: wt.repo,
      worktreeKey: wt.worktreeKey,
      onlyIf: async () => !(await liveness.check(wt)).live,
    });
    if (skipped) {
      logger.info({ repo: wt.repo, worktree: wt.path }, 'worktree became live during the sweep; kept');
      return false;
    }
    if (owner) await ownership.release(wt.repo, wt.worktreeKey, owner.runId, owner.createdAt);
    if (removed) {
      metrics.orphansSwept.inc({ repo: wt.repo });
      metrics.removed.inc({ repo: wt.repo, reason: 'orphan' });
      logger.info({ repo: wt.repo, worktree: wt.path, run: runId || undefined }, 'orphan worktree removed');
    }
    return removed;
  }
}

async function mtimeMs(p: string): Promise<number> {
  return fs.promises.lstat(p).then(
    (s) => s.mtimeMs,
    () => 0,
  );
}
