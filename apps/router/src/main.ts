import { Counter } from 'prom-client';
import { INTAKE_QUEUE, sessionQueueName } from '@nightshift/contracts';
import { Claims, EventLog, FollowUps, PauseStore, RunStore, TicketCounters } from '@nightshift/state';
import { bootService } from '@nightshift/service-boot';
import { createJobQueue, createJobWorker, jobDispatcher, JOB_DEFAULTS, logErrors, type JobQueue } from '@nightshift/service-shell';
import { createForge, createTracker } from '@nightshift/adapter-factories';
import { routeIntake } from './route-intake';

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
      queue = logErrors(createJobQueue('session', sessionQueueName(capability), { connection: runtime.redis, defaultJobOptions: JOB_DEFAULTS }), runtime.logger, 'session queue');
      sessionQueues.set(capability, queue);
    }
    return queue;
  };
  const deps = {
    config,
    tracker: createTracker(config),
    forge: createForge(config),
    claims: new Claims(runtime.redis),
    counters: new TicketCounters(runtime.redis),
    events: new EventLog(runtime.redis),
    pauses: new PauseStore(runtime.redis),
    runs: new RunStore(runtime.redis),
    followUps: new FollowUps(runtime.redis),
    sessionQueue,
    logger: runtime.logger,
  };
  const dispatch = jobDispatcher('intake', INTAKE_QUEUE, {
    'ticket.intake': async (job) => {
      const result = await routeIntake(job.data, deps);
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
  worker.on('failed', (job, err) => runtime.logger.warn({ ticket: job?.data.ticketKey, err: err.message }, 'intake failed'));
  runtime.onClose({ close: async () => Promise.all([...sessionQueues.values()].map((q) => q.close())).then(() => undefined) });
  runtime.onClose(worker);
  return { start: () => void worker.run() };
});
