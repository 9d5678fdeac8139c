import { createForge, createTracker } from '@nightshift/adapter-factories';
import { INTAKE_QUEUE, sessionQueueName } from '@nightshift/contracts';
import { bootService } from '@nightshift/service-boot';
import {
  createJobQueue,
  createJobWorker,
  JOB_DEFAULTS,
  jobDispatcher,
  type JobQueue,
  logErrors,
} from '@nightshift/service-shell';
import { Claims, EventLog, FollowUps, HostRegistry, PauseStore, RunStore, TicketCounters } from '@nightshift/state';
import { QueueEvents } from 'bullmq';
import { Counter } from 'prom-client';

import { Dispatcher } from './dispatch-round';
import { routeIntake } from './route-intake';
import { watchSlots } from './slots-watch';

/** How often the router looks for slots that grew (a host joining): Redis reads only. */
const SLOTS_CHECK_MS = 2_000;

void bootService('router', async (runtime, config) => {
  const decisions = new Counter({
    name: 'nightshift_intake_decisions_total',
    help: 'Router decisions on intake jobs',
    labelNames: ['decision'],
    registers: [runtime.registry],
  });
  const sessionQueues = new Map<string, JobQueue<'session'>>();
  const sessionQueue = (capability: string): JobQueue<'session'> => {
    let queue = sessionQueues.get(capability);
    if (!queue) {
      queue = logErrors(
        createJobQueue('session', sessionQueueName(capability), {
          connection: runtime.redis,
          defaultJobOptions: JOB_DEFAULTS,
        }),
        runtime.logger,
        'session queue',
      );
      sessionQueues.set(capability, queue);
    }
    return queue;
  };
  const deps = {
    config,
    tracker: createTracker(config, process.env, { redis: runtime.redis }),
    forge: createForge(config, process.env, { redis: runtime.redis }),
    redis: runtime.redis,
    claims: new Claims(runtime.redis),
    counters: new TicketCounters(runtime.redis),
    events: new EventLog(runtime.redis),
    pauses: new PauseStore(runtime.redis),
    runs: new RunStore(runtime.redis),
    followUps: new FollowUps(runtime.redis),
    hosts: new HostRegistry(runtime.redis),
    sessionQueue,
    logger: runtime.logger,
  };
  const dispatcher = new Dispatcher(deps);
  const offer = (capability: string, why: string) =>
    dispatcher
      .offer(capability)
      .catch((err: unknown) => runtime.logger.warn({ capability, why, err: String(err) }, 'dispatch round failed'));
  // A slot frees when a session ends: its capability's next ticket goes out now, not at the next scan.
  const capabilities = [...new Set(config.repos.map((r) => r.capability))];
  const sessionEnds = capabilities.map((capability) => {
    const events = new QueueEvents(sessionQueueName(capability), {
      connection: runtime.newRedis(`session-events-${capability}`),
      autorun: false,
    });
    logErrors(events, runtime.logger, 'session queue events');
    for (const ended of ['completed', 'failed'] as const) events.on(ended, () => void offer(capability, ended));
    runtime.onClose(events);
    return events;
  });
  let slotsWatch: ReturnType<typeof watchSlots> | undefined;
  runtime.onClose({ close: async () => slotsWatch?.close() });
  const dispatch = jobDispatcher('intake', INTAKE_QUEUE, {
    'ticket.intake': async (job) => {
      const result = await routeIntake(job.data, deps, dispatcher);
      decisions.inc({ decision: result.decision });
      runtime.logger.debug({ ticket: job.data.ticketKey, ...result }, 'intake decided');
      return result;
    },
  });
  const worker = createJobWorker('intake', INTAKE_QUEUE, dispatch, {
    connection: runtime.newRedis('intake-worker'),
    autorun: false,
    concurrency: 8,
    // A dead router's intake job comes back after about this long (its ticket may sit In Progress until then).
    lockDuration: config.routing.jobLockSec * 1000,
    stalledInterval: config.routing.stalledCheckSec * 1000,
  });
  logErrors(worker, runtime.logger, 'intake worker');
  worker.on('failed', (job, err) =>
    runtime.logger.warn({ ticket: job?.data.ticketKey, err: err.message }, 'intake failed'),
  );
  runtime.onClose({
    close: async () => Promise.all([...sessionQueues.values()].map((q) => q.close())).then(() => undefined),
  });
  runtime.onClose(worker);
  return {
    start: () => {
      for (const events of sessionEnds) void events.run();
      for (const capability of capabilities) void offer(capability, 'start');
      // A host that joins takes waiting tickets now, not at the next scan.
      slotsWatch = watchSlots(
        deps.hosts,
        capabilities,
        (capability) => void offer(capability, 'slots grew'),
        SLOTS_CHECK_MS,
        (err) => runtime.logger.warn({ err: String(err) }, 'slot check failed'),
      );
      void worker.run();
    },
  };
});
