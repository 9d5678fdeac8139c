import type { NightshiftConfig, RepoConfig } from '@nightshift/config';
import { JOB, type WorktreeJob, type WorktreeResult } from '@nightshift/contracts';
import type { DiskUsage, WorktreeStore } from '@nightshift/git';
import type { ServiceRuntime } from '@nightshift/service-shell';
import type { EventLog, WorktreeOwnership } from '@nightshift/state';
import type { Job } from 'bullmq';

import type { DiskBudget } from './disk-budget';
import { UnknownRepoError } from './errors/unknown-repo.error';
import type { ManagerHooks } from './manager-hooks';
import type { WorktreeMetrics } from './worktree-metrics';

type Handlers = Record<
  typeof JOB.worktreeCreate | typeof JOB.worktreeRemove,
  (job: Pick<Job<WorktreeJob>, 'name' | 'data'>) => Promise<WorktreeResult>
>;

export interface HandlerDeps {
  config: NightshiftConfig;
  store: WorktreeStore;
  ownership: WorktreeOwnership;
  hooks: ManagerHooks;
  /** null when no worktrees.maxDiskGb is configured. */
  budget: DiskBudget | null;
  usage: DiskUsage;
  events: EventLog;
  metrics: WorktreeMetrics;
  host: string;
  logger: ServiceRuntime['logger'];
  /** The clock ownership records are stamped with (the one liveness judges by). */
  now?: () => number;
}

/**
 * The worktree-manager's two jobs. Create: wait for disk room, record ownership (before any directory
 * exists, so the sweeper never sees an unowned one it should keep), create or reuse, run afterCreate (a
 * failure removes the new worktree and fails the job naming the hook). Remove: only the owning run's (or an
 * unowned) worktree, beforeRemove first (best effort), idempotent.
 */
export function worktreeHandlers(deps: HandlerDeps): Handlers {
  const { store, ownership, metrics } = deps;
  const now = deps.now ?? Date.now;
  const stamp = () => new Date(now()).toISOString();
  const repoOf = (name: string): RepoConfig => {
    const repo = deps.config.repos.find((r) => r.name === name);
    if (!repo) throw new UnknownRepoError(name, deps.config.file);
    return repo;
  };
  const measured = async <T>(op: string, fn: () => Promise<T>): Promise<T> => {
    const end = metrics.jobSeconds.startTimer({ op });
    try {
      const result = await fn();
      end({ result: 'ok' });
      return result;
    } catch (err) {
      end({ result: 'error' });
      throw err;
    }
  };

  const create = async ({ data }: { data: WorktreeJob }): Promise<WorktreeResult> => {
    const repo = repoOf(data.repo);
    const key = { repo: repo.name, worktreeKey: data.worktreeKey };
    store.worktreePath(repo.name, data.worktreeKey); // an unsafe key is refused before anything is recorded or waited for
    const waitedMs = deps.budget ? await deps.budget.waitForSpace({ repo: repo.name, runId: data.runId }) : 0;
    await ownership.record({ ...key, runId: data.runId, createdAt: stamp() });
    let made: { path: string; reused: boolean };
    try {
      made = await store.createWorktree({
        ...key,
        remoteUrl: repo.remote,
        baseBranch: repo.baseBranch,
        branch: data.branch,
        ...(data.branchIsNew ? { branchIsNew: true } : {}),
        ...(data.freshBase ? { freshBase: true } : {}),
      });
    } catch (err) {
      await ownership.release(repo.name, data.worktreeKey, data.runId).catch(() => undefined);
      throw err;
    }
    // The grace for a run that has not registered yet counts from when its worktree was ready.
    await ownership.record({ ...key, runId: data.runId, createdAt: stamp() });
    if (!made.reused) {
      try {
        await deps.hooks.afterCreate({ ...key, path: made.path, branch: data.branch, runId: data.runId });
      } catch (err) {
        await store.removeWorktree(key);
        await ownership.release(repo.name, data.worktreeKey, data.runId).catch(() => undefined);
        deps.usage.invalidate();
        metrics.removed.inc({ repo: repo.name, reason: 'hook_failed' });
        throw err;
      }
      metrics.created.inc({ repo: repo.name });
    }
    await deps.events.append({
      type: 'worktree.ready',
      repo: repo.name,
      host: deps.host,
      run: data.runId,
      detail: { branch: data.branch, reused: made.reused, waitedForDiskMs: waitedMs },
    });
    return { path: made.path, changed: !made.reused };
  };

  const remove = async ({ data }: { data: WorktreeJob }): Promise<WorktreeResult> => {
    const key = { repo: data.repo, worktreeKey: data.worktreeKey };
    const path = store.worktreePath(data.repo, data.worktreeKey);
    const ownedByOther = async () => {
      const owner = await ownership.get(data.repo, data.worktreeKey);
      if (owner?.keptFor) return `kept for a human: ${owner.keptFor}`;
      return owner !== null && owner.runId !== data.runId ? owner.runId : null;
    };
    const other = await ownedByOther();
    if (other === null) {
      await deps.hooks.beforeRemove({ ...key, path, branch: data.branch, runId: data.runId });
    }
    // Asked again under the repo lock: a newer run of the same ticket may have taken the key over meanwhile.
    const { removed, skipped } =
      other === null
        ? await store.removeWorktree({
            ...key,
            ...(data.branch ? { branch: data.branch } : {}),
            onlyIf: async () => (await ownedByOther()) === null,
          })
        : { removed: false, skipped: true };
    if (skipped) {
      deps.logger.info(
        { repo: data.repo, run: data.runId, worktree: path },
        'worktree now belongs to another run; left in place',
      );
    } else {
      await ownership.release(data.repo, data.worktreeKey, data.runId);
      if (removed) {
        deps.usage.invalidate();
        metrics.removed.inc({ repo: data.repo, reason: 'request' });
      }
    }
    await deps.events.append({
      type: 'worktree.removed',
      repo: data.repo,
      host: deps.host,
      run: data.runId,
      detail: {
        removed,
        ...(skipped ? { skipped: other?.startsWith('kept') ? 'kept for a human' : 'owned by another run' } : {}),
      },
    });
    return { path: '', changed: removed };
  };

  return {
    [JOB.worktreeCreate]: (job) => measured('create', () => create(job)),
    [JOB.worktreeRemove]: (job) => measured('remove', () => remove(job)),
  };
}
