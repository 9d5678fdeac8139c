import {
  type JobName,
  MEMORY_OUTCOMES_QUEUE,
  MEMORY_REQUESTS_QUEUE,
  type PayloadOf,
  type ResultOf,
} from '@nightshift/contracts';
import { openMemory, outcomeBackoffStrategy } from '@nightshift/memory';
import { bootService } from '@nightshift/service-boot';
import { createJobQueue, createJobWorker, jobDispatcher, type TypedJob } from '@nightshift/service-shell';
import { logErrors } from '@nightshift/service-shell';
import { EventLog } from '@nightshift/state';
import { Histogram } from 'prom-client';

import { memoryHandlers } from './memory-handlers';
import { scheduleConsolidation } from './schedule-consolidation';

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
    process.stderr.write(
      `nightshift memory-consolidator: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`,
    );
    process.exit(2);
  }
  runtime.onClose({ close: () => memory.close() });
  const latency = new Histogram({
    name: 'nightshift_memory_request_duration_seconds',
    help: 'Time to answer a memory job',
    // Not `job`: Prometheus owns `job` and `instance` and would rename ours to `exported_job`.
    labelNames: ['op'],
    buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [runtime.registry],
  });
  const h = memoryHandlers({
    memory,
    config: config.memory,
    redis: runtime.redis,
    events: new EventLog(runtime.redis),
    logger: runtime.logger,
  });
  // Each queue carries several payload types; the job name (checked by handlerTable) says which.
  const timed =
    <N extends JobName>(name: string, fn: (data: PayloadOf<N>) => Promise<ResultOf<N>>) =>
    async (job: TypedJob<N>): Promise<ResultOf<N>> => {
      const stop = latency.startTimer({ op: name });
      try {
        return await fn(job.data);
      } finally {
        stop();
      }
    };
  const requests = jobDispatcher('memoryRequests', MEMORY_REQUESTS_QUEUE, {
    'memory.recall': timed<'memory.recall'>('recall', h.recall),
    'memory.stats': timed<'memory.stats'>('stats', h.stats),
    'memory.forget': timed<'memory.forget'>('forget', h.forget),
  });
  const outcomes = jobDispatcher('memoryOutcomes', MEMORY_OUTCOMES_QUEUE, {
    'memory.outcome': timed<'memory.outcome'>('outcome', h.outcome),
    'memory.consolidate': timed<'memory.consolidate'>('consolidate', h.consolidate),
  });
  const requestWorker = logErrors(
    createJobWorker('memoryRequests', MEMORY_REQUESTS_QUEUE, requests, {
      connection: runtime.newRedis('memory-requests'),
      autorun: false,
      concurrency: 8,
    }),
    runtime.logger,
    'memory requests worker',
  );
  // One at a time: consolidation and recording must not interleave their read-modify-writes.
  const outcomeWorker = logErrors(
    createJobWorker('memoryOutcomes', MEMORY_OUTCOMES_QUEUE, outcomes, {
      connection: runtime.newRedis('memory-outcomes'),
      autorun: false,
      concurrency: 1,
      settings: { backoffStrategy: outcomeBackoffStrategy },
    }),
    runtime.logger,
    'memory outcomes worker',
  );
  outcomeWorker.on('failed', (job, err) =>
    runtime.logger.error({ job: job?.name, err: err.message }, 'memory job failed'),
  );
  const outcomesQueue = logErrors(
    createJobQueue('memoryOutcomes', MEMORY_OUTCOMES_QUEUE, { connection: runtime.redis }),
    runtime.logger,
    'memory outcomes queue',
  );
  runtime.onClose(requestWorker);
  runtime.onClose(outcomeWorker);
  runtime.onClose(outcomesQueue);
  return {
    start: async () => {
      await scheduleConsolidation(outcomesQueue, config.memory);
      void requestWorker.run();
      void outcomeWorker.run();
      runtime.logger.info(
        { store: memory.store.name, embedder: memory.embedder.name, dimension: memory.embedder.dimension },
        'memory ready',
      );
    },
  };
});
