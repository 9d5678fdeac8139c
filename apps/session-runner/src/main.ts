import {
  assertAgentSettings,
  createAgent,
  createEscalationAgents,
  createForge,
  createRepoAgents,
  createTracker,
} from '@nightshift/adapter-factories';
import { AuthPreflight, PodmanSandbox } from '@nightshift/agent';
import { sessionQueueName } from '@nightshift/contracts';
import { MemoryClient } from '@nightshift/memory';
import { notifierFromEnv } from '@nightshift/notify';
import { bootService } from '@nightshift/service-boot';
import { createJobQueue, createJobWorker, jobDispatcher, logErrors, resolveHost } from '@nightshift/service-shell';
import {
  Claims,
  EventLog,
  HostRegistry,
  PauseStore,
  PushedHeads,
  RepoSlots,
  RunStore,
  SessionRegistry,
  TicketCounters,
  WorktreeOwnership,
} from '@nightshift/state';
import { WorktreeClient } from '@nightshift/worktree-client';
import { DelayedError, Worker } from 'bullmq';

import { assertAgentCommand } from './agent-preflight';
import { CancelWatcher } from './cancel-watcher';
import { HeartbeatBatch, sessionHeartbeatMs } from './heartbeat-batch';
import { HostHeartbeat, hostHeartbeatMs, HostTakenError } from './host-heartbeat';
import { withRepoSlot } from './repo-cap';
import { RequeueJob } from './requeue-job';
import { runSession } from './run-session';
import { Semaphore } from './semaphore';
import type { SessionDeps } from './session-deps';
import { SessionMemory } from './session-memory-client';
import { SessionMetrics } from './session-metrics';

void bootService('session-runner', async (runtime, config) => {
  try {
    for (const warning of assertAgentSettings(config, resolveHost(config).name)) runtime.logger.warn(warning);
  } catch (err) {
    // Refused before any session: bypassPermissions outside a sandbox would run every agent command unchecked.
    process.stderr.write(`nightshift session-runner: refusing to start: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const host = resolveHost(config);
  const metrics = new SessionMetrics(runtime.registry);
  metrics.slots.set({ host: host.name }, host.slots);
  const worktrees = new WorktreeClient(host.name, runtime.redis, runtime.newRedis('worktree-events'), runtime.logger);
  const cancels = new CancelWatcher(runtime.newRedis('cancel-subscriber'));
  const sandbox = new PodmanSandbox({
    podman: config.agent.podman.command,
    network: config.agent.podman.network,
    host: host.name,
    vendorEgress: config.agent.podman.egress,
    onDenied: (owner, denial) => {
      metrics.egressDenied.inc({ repo: owner.repo });
      runtime.logger.warn(
        { session: owner.session, repo: owner.repo, host: denial.host, port: denial.port },
        'sandbox egress denied',
      );
    },
  });
  runtime.onClose(sandbox);
  const deps: SessionDeps = {
    config,
    host: host.name,
    tracker: createTracker(config, process.env, { redis: runtime.redis }),
    forge: createForge(config, process.env, { redis: runtime.redis }),
    agent: createAgent(config),
    repoAgents: createRepoAgents(config),
    kindAgents: createEscalationAgents(config),
    worktrees,
    ownership: new WorktreeOwnership(runtime.redis, host.name),
    claims: new Claims(runtime.redis),
    counters: new TicketCounters(runtime.redis),
    events: new EventLog(runtime.redis),
    runs: new RunStore(runtime.redis),
    pushedHeads: new PushedHeads(runtime.redis),
    sessions: new SessionRegistry(runtime.redis),
    heartbeats: new HeartbeatBatch(runtime.redis, () => sessionHeartbeatMs(config)),
    pauses: new PauseStore(runtime.redis),
    notifier: notifierFromEnv(runtime.logger, config.notifications.slackWebhookEnv),
    auth: new AuthPreflight(config.agent),
    cancels,
    metrics,
    sandbox,
    memory: config.memory.enabled
      ? new SessionMemory(new MemoryClient(runtime.redis, runtime.newRedis('memory-events')), runtime.registry)
      : undefined,
    logger: runtime.logger,
  };
  if (deps.memory) runtime.onClose(deps.memory.client);
  runtime.checks.push({ name: 'agent', check: async () => assertAgentCommand(config.agent.command) });

  const slots = new Semaphore(host.slots);
  const repoSlots = new RepoSlots(runtime.redis);
  const hostBeat = new HostHeartbeat(
    new HostRegistry(runtime.redis),
    host,
    () => slots.inUse,
    runtime.registry,
    hostHeartbeatMs(process.env),
  );
  const shutdown = new AbortController();
  const workers = host.capabilities.map((capability) => {
    const queueName = sessionQueueName(capability);
    const queue = logErrors(
      createJobQueue('session', queueName, { connection: runtime.redis }),
      runtime.logger,
      'session queue',
    );
    runtime.onClose(queue);
    const dispatch = jobDispatcher('session', queueName, {
      'session.run': async (job) => {
        const release = await slots.acquire();
        metrics.slotsBusy.set({ host: host.name }, slots.inUse);
        try {
          return await withRepoSlot(repoSlots, deps, job.data, () =>
            runSession(job.data, deps, shutdown.signal, Math.max(1, job.attemptsStarted)),
          );
        } finally {
          release();
          metrics.slotsBusy.set({ host: host.name }, slots.inUse);
        }
      },
    });
    const worker = createJobWorker(
      'session',
      queueName,
      async (job, token) => {
        try {
          return await dispatch(job);
        } catch (err) {
          if (!(err instanceof RequeueJob)) throw err;
          runtime.logger[err.routine ? 'debug' : 'info'](
            { run: job.data.runId, delayMs: err.delayMs, wholeQueue: err.wholeQueue, reason: err.message },
            'session back to waiting; no attempt spent',
          );
          // Neither path counts as a BullMQ attempt: the job simply waits.
          if (err.wholeQueue) {
            await queue.rateLimit(err.delayMs);
            throw Worker.RateLimitError();
          }
          await job.moveToDelayed(Date.now() + Math.max(50, err.delayMs), token);
          throw new DelayedError();
        }
      },
      {
        connection: runtime.newRedis(`session-worker-${capability}`),
        autorun: false,
        concurrency: host.slots,
        // A killed runner's job comes back after about lockDuration: another runner (or this one restarted) redoes it under the same run id.
        lockDuration: config.routing.jobLockSec * 1000,
        stalledInterval: config.routing.stalledCheckSec * 1000,
        maxStalledCount: 3,
      },
    );
    logErrors(worker, runtime.logger, 'session worker');
    worker.on('failed', (job, err) =>
      runtime.logger.error({ run: job?.data.runId, err: err.message }, 'session job failed'),
    );
    return worker;
  });

  const graceMs = Number(process.env['NIGHTSHIFT_GRACE_MS'] ?? 30_000);
  runtime.onClose(worktrees);
  runtime.onClose({ close: () => hostBeat.stop() });
  runtime.onClose({
    close: async () => {
      // Let active sessions finish; just before the grace runs out, stop their agents so tickets go back cleanly.
      const timer = setTimeout(() => shutdown.abort(), Math.max(0, graceMs - 5000));
      await Promise.all(workers.map((w) => w.close()));
      clearTimeout(timer);
    },
  });
  return {
    onConfigReload: (change) => {
      if (!change.applied.includes(`hosts[${host.name}].slots`)) return;
      slots.resize(host.slots);
      for (const w of workers) w.concurrency = host.slots;
      metrics.slots.set({ host: host.name }, host.slots);
      runtime.logger.info({ host: host.name, slots: host.slots }, 'slots resized');
    },
    start: async () => {
      await worktrees.ready();
      await cancels.start();
      try {
        await hostBeat.start();
      } catch (err) {
        if (!(err instanceof HostTakenError)) throw err;
        process.stderr.write(`nightshift session-runner: refusing to start: ${err.message}\n`);
        process.exit(2);
      }
      // Registered first, so `nightshift status` lists this host and says why it is idle.
      for (;;) {
        try {
          assertAgentCommand(config.agent.command);
          break;
        } catch (err) {
          runtime.logger.error({ err: (err as Error).message }, 'not taking sessions until the agent CLI is installed');
          await hostBeat.setIdle((err as Error).message);
          await new Promise((r) => setTimeout(r, 5000));
        }
      }
      await hostBeat.setIdle(undefined);
      for (const w of workers) void w.run();
      runtime.logger.info({ host: host.name, capabilities: host.capabilities, slots: host.slots }, 'taking sessions');
    },
  };
});
