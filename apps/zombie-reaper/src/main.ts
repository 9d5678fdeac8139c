import { sessionQueueName } from '@nightshift/contracts';
import { bootService } from '@nightshift/service-boot';
import { logErrors, machineIdentity, resolveHost } from '@nightshift/service-shell';
import { Claims, EventLog, HostRegistry, RunStore, SessionRegistry } from '@nightshift/state';
import { WorktreeClient } from '@nightshift/worktree-client';
import { Queue } from 'bullmq';

import { reaperMetrics } from './reaper-metrics';
import { ZombieReaper } from './zombie-reaper';

void bootService('zombie-reaper', async (runtime, config) => {
  const host = resolveHost(config);
  const sessionQueues = new Map<string, Queue>();
  for (const capability of new Set(config.hosts.flatMap((h) => h.capabilities))) {
    const queue = logErrors(
      new Queue(sessionQueueName(capability), { connection: runtime.redis }),
      runtime.logger,
      'session queue',
    );
    runtime.onClose(queue);
    sessionQueues.set(queue.name, queue);
  }
  const worktrees = new WorktreeClient(
    host.name,
    runtime.redis,
    runtime.newRedis('worktree-events'),
    runtime.logger,
    60_000,
  );
  runtime.onClose(worktrees);
  const reaper = new ZombieReaper({
    config,
    host: host.name,
    claims: new Claims(runtime.redis),
    runs: new RunStore(runtime.redis),
    events: new EventLog(runtime.redis),
    sessions: new SessionRegistry(runtime.redis),
    sessionQueues,
    worktrees,
    metrics: reaperMetrics(runtime.registry),
    logger: runtime.logger,
    hosts: new HostRegistry(runtime.redis),
    identity: machineIdentity(),
  });
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  // One pass at a time: a pass that kills slowly (grace) delays the next instead of overlapping it.
  const loop = async (): Promise<void> => {
    await reaper
      .sweep()
      .catch((err: unknown) => runtime.logger.error({ err: String(err) }, 'reaper pass failed; next interval retries'));
    if (!stopped) timer = setTimeout(() => void loop(), config.reaper.intervalSec * 1000);
  };
  runtime.onClose({
    close: async () => {
      stopped = true;
      clearTimeout(timer);
    },
  });
  return {
    start: async () => {
      await worktrees.ready();
      runtime.logger.info(
        { host: host.name, intervalSec: config.reaper.intervalSec, graceSec: config.reaper.graceSec },
        'reaping',
      );
      void loop();
    },
  };
});
