import { type JobName, type PayloadOf, QUEUE_JOBS, type ResultOf } from '@nightshift/contracts';
import { type Job, type JobsOptions, Queue, type QueueOptions, Worker, type WorkerOptions } from 'bullmq';

import { handlerTable } from './handler-table';

/*
 * Workers and queue clients typed from the contracts' one table (JobTable): a handler's payload and
 * result, and what a client may add, follow from the job name. A handler with the wrong payload or
 * result type does not compile (typed-queue.type-test.ts, checked by the build).
 */

/** A queue family of the contracts (`intake`, `session`, `worktree`, `memoryRequests`, `memoryOutcomes`). */
export type QueueFamily = keyof typeof QUEUE_JOBS;
/** The job names a queue of family `F` may carry. */
export type JobsOf<F extends QueueFamily> = (typeof QUEUE_JOBS)[F][number];
/** A BullMQ job named `N`, with the payload and result the table gives that name. */
export type TypedJob<N extends JobName> = Job<PayloadOf<N>, ResultOf<N>, N>;
/** Any job of family `F`, name and payload correlated. */
export type JobOf<F extends QueueFamily> = { [N in JobsOf<F>]: TypedJob<N> }[JobsOf<F>];
/** Any result a worker of family `F` returns. */
export type FamilyResult<F extends QueueFamily> = ResultOf<JobsOf<F>>;
/** One handler per job name of family `F`, each typed from the table. */
export type JobHandlers<F extends QueueFamily> = { [N in JobsOf<F>]: (job: TypedJob<N>) => Promise<ResultOf<N>> };
/** A queue client of family `F`: every Queue method, with `add`/`addBulk` typed by job name. */
export type JobQueue<F extends QueueFamily> = Omit<Queue, 'add' | 'addBulk'> & {
  add<N extends JobsOf<F>>(name: N, data: PayloadOf<N>, opts?: JobsOptions): Promise<TypedJob<N>>;
  addBulk(
    jobs: Array<{ [N in JobsOf<F>]: { name: N; data: PayloadOf<N>; opts?: JobsOptions } }[JobsOf<F>]>,
  ): Promise<Array<JobOf<F>>>;
};

/**
 * The dispatcher of a worker of family `F`: checks at boot that every job name of the family has exactly
 * one handler (MissingHandlerError otherwise) and routes each job to its handler by name.
 */
export function jobDispatcher<F extends QueueFamily>(
  family: F,
  queue: string,
  handlers: JobHandlers<F>,
): (job: JobOf<F>) => Promise<FamilyResult<F>> {
  // The mapped type guarantees each handler matches its name; handlerTable only routes by name.
  return handlerTable(
    queue,
    QUEUE_JOBS[family] as readonly string[],
    handlers as unknown as Record<string, (job: JobOf<F>) => Promise<FamilyResult<F>>>,
  );
}

/** A BullMQ worker for a queue of family `F` (payloads and results from the table). */
export function createJobWorker<F extends QueueFamily>(
  _family: F,
  queue: string,
  processor: (job: JobOf<F>, token?: string) => Promise<FamilyResult<F>>,
  opts: WorkerOptions,
): Worker<PayloadOf<JobsOf<F>>, FamilyResult<F>, JobsOf<F>> {
  return new Worker<PayloadOf<JobsOf<F>>, FamilyResult<F>, JobsOf<F>>(
    queue,
    processor as (
      job: Job<PayloadOf<JobsOf<F>>, FamilyResult<F>, JobsOf<F>>,
      token?: string,
    ) => Promise<FamilyResult<F>>,
    opts,
  );
}

/** A BullMQ queue client for a queue of family `F`: only the family's job names, each with its payload. */
export function createJobQueue<F extends QueueFamily>(_family: F, queue: string, opts: QueueOptions): JobQueue<F> {
  return new Queue(queue, opts) as unknown as JobQueue<F>;
}
