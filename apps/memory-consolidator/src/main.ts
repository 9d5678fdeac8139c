import { Queue, Worker, type Job } from 'bullmq';
import { Histogram } from 'prom-client';
import { MEMORY_CONSOLIDATION_SCHEDULER, MEMORY_OUTCOMES_QUEUE, MEMORY_REQUESTS_QUEUE, QUEUE_JOBS } from '@nightshift/contracts';
import { openMemory } from '@nightshift/memory';
import { handlerTable } from '@nightshift/service-shell';
import { EventLog } from '@nightshift/state';
import { bootService, logErrors } from '@nightshift/wiring';
import { memoryHandlers } from './memory-handlers';

/**
 * Records session outcomes as learnings, answers recall requests, consolidates every
 * `memory.consolidateEveryHours`. Opening the store checks the embedder's dimension against it: a
 * mismatch stops the service at start with both named.
 */
void bootService('memory-consolidator', async (runtime, config) => {
  let memory;
  try {
    memory = await openMemory(config);
  } catch (err) {
    process.stderr.write(`nightshift memory-consolidator: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
    process.exit(2);
  }
  runtime.onClose({ close: () => memory.close() });
  const latency = new Histogram({ name: 'nightshift_memory_request_duration_seconds', help: 'Time to answer a memory job', labelNames: ['job'], buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1, 5, 30], registers: [runtime.registry] });
  const h = memoryHandlers({ memory, config: config.memory, redis: runtime.redis, events: new EventLog(runtime.redis), logger: runtime.logger });
  // Each queue carries several payload types; the job name (checked by handlerTable) says which.
  const timed = <T, R>(name: string, fn: (data: T) => Promise<R>) => async (job: Job): Promise<unknown> => {
    const stop = latency.startTimer({ job: name });
    try {
      return await fn(job.data as T);
    } finally {
      stop();
    }
  };
  const requests = handlerTable(MEMORY_REQUESTS_QUEUE, QUEUE_JOBS.memoryRequests, {
    'memory.recall': timed('recall', h.recall),
    'memory.stats': timed('stats', h.stats),
    'memory.forget': timed('forget', h.forget),
  });
  const outcomes = handlerTable(MEMORY_OUTCOMES_QUEUE, QUEUE_JOBS.memoryOutcomes, {
    'memory.outcome': timed('outcome', h.outcome),
    'memory.consolidate': timed('consolidate', h.consolidate),
  });
  const requestWorker = logErrors(new Worker(MEMORY_REQUESTS_QUEUE, requests, { connection: runtime.newRedis('memory-requests'), autorun: false, concurrency: 8 }), runtime.logger, 'memory requests worker');
  // One at a time: consolidation and recording must not interleave their read-modify-writes.
  const outcomeWorker = logErrors(new Worker(MEMORY_OUTCOMES_QUEUE, outcomes, { connection: runtime.newRedis('memory-outcomes'), autorun: false, concurrency: 1 }), runtime.logger, 'memory outcomes worker');
  outcomeWorker.on('failed', (job, err) => runtime.logger.error({ job: job?.name, err: err.message }, 'memory job failed'));
  const outcomesQueue = logErrors(new Queue(MEMORY_OUTCOMES_QUEUE, { connection: runtime.redis }), runtime.logger, 'memory outcomes queue');
  runtime.onClose(requestWorker);
  runtime.onClose(outcomeWorker);
  runtime.onClose(outcomesQueue);
  return {
    start: async () => {
      await outcomesQueue.upsertJobScheduler(MEMORY_CONSOLIDATION_SCHEDULER, { every: config.memory.consolidateEveryHours * 3_600_000 }, { name: 'memory.consolidate', data: {}, opts: { removeOnComplete: { count: 20 }, removeOnFail: { count: 20 } } });
      void requestWorker.run();
      void outcomeWorker.run();
      runtime.logger.info({ store: memory.store.name, embedder: memory.embedder.name, dimension: memory.embedder.dimension }, 'memory ready');
    },
  };
});
