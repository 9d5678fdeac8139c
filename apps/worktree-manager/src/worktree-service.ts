import type { NightshiftConfig } from '@nightshift/config';
import { DiskUsage, WorktreeStore } from '@nightshift/git';
import type { ServiceRuntime } from '@nightshift/service-shell';
import { EventLog, SessionRegistry, WorktreeOwnership } from '@nightshift/state';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';

import { DiskBudget } from './disk-budget';
import { ManagerHooks } from './manager-hooks';
import { worktreeHandlers } from './worktree.handlers';
import { WorktreeLiveness } from './worktree-liveness';
import { worktreeMetrics } from './worktree-metrics';
import { WorktreeSweeper } from './worktree-sweeper';

export interface WorktreeServiceOptions {
  config: NightshiftConfig;
  host: string;
  redis: Redis;
  registry: Registry;
  logger: ServiceRuntime['logger'];
  /** Clock for liveness (tests move it instead of sleeping). */
  now?: () => number;
  /** How often a create waiting for disk looks again. Default 3 s. */
  diskPollMs?: number;
  /** How long a disk measurement is reused. Default 5 s. */
  diskCacheMs?: number;
  /** Creates allowed to wait for disk at once (keep it below the worker's concurrency). Default: no limit. */
  maxWaitingForDisk?: number;
}

/** The worktree-manager's parts, wired from config: store, ownership, sweeper, disk budget, hooks, handlers. */
export function createWorktreeService(opts: WorktreeServiceOptions) {
  const { config, host, logger } = opts;
  const wt = config.worktrees;
  const shutdown = new AbortController();
  let metrics: ReturnType<typeof worktreeMetrics> | undefined;
  const store = new WorktreeStore({
    root: config.paths.worktrees,
    fetchIntervalMs: wt.fetchIntervalSec * 1000,
    onGitTiming: (op, seconds) => metrics?.gitSeconds.observe({ op }, seconds),
    onBranchDeleteError: (repo, err) =>
      logger.warn(
        { repo, err: err instanceof Error ? err.message : String(err) },
        'could not delete the local branches of removed worktrees; they stay until the finished-PR prune',
      ),
  });
  const usage = new DiskUsage(store.root, { cacheMs: opts.diskCacheMs ?? 5000 });
  const maxBytes = wt.maxDiskGb !== undefined ? Math.round(wt.maxDiskGb * 1024 ** 3) : undefined;
  metrics = worktreeMetrics(opts.registry, {
    live: async () => (await store.listWorktrees()).length,
    diskBytes: () => usage.bytes(),
    budgetBytes: maxBytes,
  });
  const events = new EventLog(opts.redis);
  const ownership = new WorktreeOwnership(opts.redis, host);
  const liveness = new WorktreeLiveness(ownership, new SessionRegistry(opts.redis), wt.orphanGraceSec * 1000, opts.now);
  const hooks = new ManagerHooks(config, store.root, logger, metrics);
  const sweeper = new WorktreeSweeper({ store, liveness, ownership, hooks, events, metrics, usage, host, logger });
  const budget =
    maxBytes === undefined
      ? null
      : new DiskBudget({
          maxBytes,
          usage,
          sweeper,
          events,
          metrics,
          host,
          logger,
          pollMs: opts.diskPollMs,
          signal: shutdown.signal,
          maxWaiting: opts.maxWaitingForDisk,
        });
  const handlers = worktreeHandlers({
    config,
    store,
    ownership,
    hooks,
    budget,
    usage,
    events,
    metrics,
    host,
    logger,
    now: opts.now,
  });
  return {
    store,
    ownership,
    sweeper,
    usage,
    metrics,
    handlers,
    /** Sweeps now (orphans left by a crash are gone before new work) and every sweepIntervalSec. */
    start(): void {
      sweeper.start(wt.sweepIntervalSec * 1000);
    },
    /** Stops the sweeper and releases creates waiting for disk. Safe to call twice. */
    async close(): Promise<void> {
      shutdown.abort();
      await sweeper.close();
      await store.flushBranchDeletes();
    },
  };
}

export type WorktreeService = ReturnType<typeof createWorktreeService>;
