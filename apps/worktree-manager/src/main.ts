import { Worker, type Job } from 'bullmq';
import { QUEUE_JOBS, worktreeQueueName, type WorktreeJob, type WorktreeResult } from '@nightshift/contracts';
import { WorktreeStore } from '@nightshift/git';
import { handlerTable } from '@nightshift/service-shell';
import { EventLog } from '@nightshift/state';
import { bootService, logErrors, resolveHost } from '@nightshift/wiring';
import { worktreeHandlers } from './worktree.handlers';

void bootService('worktree-manager', async (runtime, config) => {
  const host = resolveHost(config);
  const queue = worktreeQueueName(host.name);
  const store = new WorktreeStore({ root: config.paths.worktrees });
  const handlers = worktreeHandlers({ config, store, events: new EventLog(runtime.redis), host: host.name, registry: runtime.registry });
  const dispatch = handlerTable<keyof typeof handlers, Job<WorktreeJob>, WorktreeResult>(queue, QUEUE_JOBS.worktree, handlers);
  // Git admin work on one repo is serialized inside the store; many jobs at once keep different repos busy.
  const worker = new Worker<WorktreeJob, WorktreeResult>(queue, dispatch, {
    connection: runtime.newRedis('worktree-worker'),
    autorun: false,
    concurrency: Math.max(8, host.slots * 2),
  });
  logErrors(worker, runtime.logger, 'worktree worker');
  worker.on('failed', (job, err) => runtime.logger.warn({ run: job?.data.runId, op: job?.name, err: err.message }, 'worktree job failed'));
  runtime.onClose(worker);
  return { start: () => void worker.run() };
});
