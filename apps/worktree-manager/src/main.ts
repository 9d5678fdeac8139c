import { createForge } from '@nightshift/adapter-factories';
import { worktreeQueueName } from '@nightshift/contracts';
import { bootService } from '@nightshift/service-boot';
import { createJobWorker, jobDispatcher } from '@nightshift/service-shell';
import { logErrors, resolveHost } from '@nightshift/service-shell';

import { pruneFinishedBranches } from './prune-finished-branches';
import { createWorktreeService } from './worktree-service';

void bootService('worktree-manager', async (runtime, config) => {
  const host = resolveHost(config);
  const queue = worktreeQueueName(host.name);
  const concurrency = Math.max(8, host.slots * 2);
  // Creates waiting for disk hold worker slots; half stay free for the removals that free the disk.
  const service = createWorktreeService({
    config,
    host: host.name,
    redis: runtime.redis,
    registry: runtime.registry,
    logger: runtime.logger,
    maxWaitingForDisk: Math.floor(concurrency / 2),
  });
  const handlers = service.handlers;
  const dispatch = jobDispatcher('worktree', queue, handlers);
  // Git admin work on one repo is serialized inside the store; many jobs at once keep different repos busy
  // (and let creates wait for the disk budget without blocking removals that free it).
  const worker = createJobWorker('worktree', queue, dispatch, {
    connection: runtime.newRedis('worktree-worker'),
    autorun: false,
    concurrency,
  });
  logErrors(worker, runtime.logger, 'worktree worker');
  worker.on('failed', (job, err) =>
    runtime.logger.warn({ run: job?.data.runId, op: job?.name, err: err.message }, 'worktree job failed'),
  );
  runtime.onClose(worker);
  // Closed before the worker (reverse order): waiting creates fail fast instead of holding shutdown.
  runtime.onClose(service);
  const forge = createForge(config, process.env, { redis: runtime.redis });
  const prune = () =>
    pruneFinishedBranches(forge, service.store, runtime.logger).catch((err: unknown) =>
      runtime.logger.warn({ err: String(err) }, 'branch pruning failed; next sweep retries'),
    );
  const pruneTimer = setInterval(() => void prune(), config.worktrees.sweepIntervalSec * 1000);
  pruneTimer.unref();
  runtime.onClose({ close: async () => clearInterval(pruneTimer) });
  return {
    start: () => {
      service.start();
      void worker.run();
    },
  };
});
