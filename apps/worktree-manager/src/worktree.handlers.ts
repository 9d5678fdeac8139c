import type { Job } from 'bullmq';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { NightshiftConfig } from '@nightshift/config';
import { JOB, type WorktreeJob, type WorktreeResult } from '@nightshift/contracts';
import type { WorktreeStore } from '@nightshift/git';
import type { EventLog } from '@nightshift/state';

type Handlers = Record<typeof JOB.worktreeCreate | typeof JOB.worktreeRemove, (job: Job<WorktreeJob>) => Promise<WorktreeResult>>;

/** The worktree-manager's two jobs: create (or reuse) a worktree on the deterministic branch, and remove it. */
export function worktreeHandlers(deps: { config: NightshiftConfig; store: WorktreeStore; events: EventLog; host: string; registry: Registry }): Handlers {
  const ops = new Counter({ name: 'nightshift_worktree_operations_total', help: 'Worktree operations by kind and result', labelNames: ['op', 'result'], registers: [deps.registry] });
  const seconds = new Histogram({ name: 'nightshift_worktree_operation_duration_seconds', help: 'Worktree operation durations', labelNames: ['op'], registers: [deps.registry] });

  const repoOf = (name: string) => {
    const repo = deps.config.repos.find((r) => r.name === name);
    if (!repo) throw new Error(`repo "${name}" is not in ${deps.config.file}`);
    return repo;
  };
  const measured = async <T>(op: string, fn: () => Promise<T>): Promise<T> => {
    const end = seconds.startTimer({ op });
    try {
      const result = await fn();
      ops.inc({ op, result: 'ok' });
      return result;
    } catch (err) {
      ops.inc({ op, result: 'error' });
      throw err;
    } finally {
      end();
    }
  };

  return {
    [JOB.worktreeCreate]: (job) =>
      measured('create', async () => {
        const repo = repoOf(job.data.repo);
        const { path, reused } = await deps.store.createWorktree({
          repo: repo.name,
          remoteUrl: repo.remote,
          baseBranch: repo.baseBranch,
          branch: job.data.branch,
          worktreeKey: job.data.worktreeKey,
        });
        await deps.events.append({ type: 'worktree.ready', repo: repo.name, host: deps.host, run: job.data.runId, detail: { branch: job.data.branch, reused } });
        return { path, changed: !reused };
      }),
    [JOB.worktreeRemove]: (job) =>
      measured('remove', async () => {
        const { removed } = await deps.store.removeWorktree({ repo: job.data.repo, worktreeKey: job.data.worktreeKey });
        await deps.events.append({ type: 'worktree.removed', repo: job.data.repo, host: deps.host, run: job.data.runId, detail: { removed } });
        return { path: '', changed: removed };
      }),
  };
}
