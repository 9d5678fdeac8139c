import { Queue, Worker, type Job } from 'bullmq';
import { Counter } from 'prom-client';
import { INTAKE_QUEUE, QUEUE_JOBS, sessionQueueName, type IntakeJob, type IntakeResult } from '@nightshift/contracts';
import { handlerTable } from '@nightshift/service-shell';
import { Claims, EventLog, FollowUps, PauseStore, RunStore, TicketCounters } from '@nightshift/state';
import { bootService, createForge, createTracker, JOB_DEFAULTS, logErrors } from '@nightshift/wiring';
import { routeIntake } from './route-intake';

void bootService('router', async (runtime, config) => {
  const decisions = new Counter({
    name: 'nightshift_intake_decisions_total',
    help: 'Router decisions on intake jobs',
    labelNames: ['decision'],
    registers: [runtime.registry],
  });
  const sessionQueues = new Map<string, Queue>();
  const sessionQueue = (capability: string): Queue => {
    let queue = sessionQueues.get(capability);
    if (!queue) {
      queue = logErrors(new Queue(sessionQueueName(capability), { connection: runtime.redis, defaultJobOptions: JOB_DEFAULTS }), runtime.logger, 'session queue');
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
  const dispatch = handlerTable<'ticket.intake', Job<IntakeJob>, IntakeResult>(INTAKE_QUEUE, QUEUE_JOBS.intake, {
    'ticket.intake': async (job) => {
      const result = await routeIntake(job.data, deps);
      decisions.inc({ decision: result.decision });
      runtime.logger.debug({ ticket: job.data.ticketKey, ...result }, 'intake decided');
      return result;
    },
  });
  const worker = new Worker<IntakeJob, IntakeResult>(INTAKE_QUEUE, dispatch, {
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
