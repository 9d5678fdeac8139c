import {
  JOB,
  type PayloadOf,
  type ResultOf,
  type WorktreeJob,
  worktreeQueueName,
  type WorktreeResult,
} from '@nightshift/contracts';
import { createJobQueue, JOB_DEFAULTS, type JobQueue, type JobsOf, logErrors } from '@nightshift/service-shell';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Asks the worktree-manager of one host for worktrees over its queue, and waits for the answer. */
export class WorktreeClient {
  private readonly queue: JobQueue<'worktree'>;
  private readonly events: QueueEvents;

  constructor(
    host: string,
    connection: Redis,
    eventsConnection: Redis,
    logger: Logger,
    private readonly timeoutMs = 600_000,
  ) {
    const name = worktreeQueueName(host);
    this.queue = logErrors(
      createJobQueue('worktree', name, { connection, defaultJobOptions: JOB_DEFAULTS }),
      logger,
      'worktree queue',
    );
    this.events = logErrors(new QueueEvents(name, { connection: eventsConnection }), logger, 'worktree queue events');
  }

  async ready(): Promise<void> {
    await this.events.waitUntilReady();
  }

  create(job: WorktreeJob): Promise<WorktreeResult> {
    return this.request(JOB.worktreeCreate, job);
  }

  remove(job: WorktreeJob): Promise<WorktreeResult> {
    return this.request(JOB.worktreeRemove, job);
  }

  private async request<N extends JobsOf<'worktree'>>(name: N, data: PayloadOf<N>): Promise<ResultOf<N>> {
    // Kept until read: removeOnComplete would race waitUntilFinished reading the return value.
    const job = await this.queue.add(name, data, { removeOnComplete: { age: 3600, count: 1000 } });
    return (await job.waitUntilFinished(this.events, this.timeoutMs)) as ResultOf<N>;
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
  }
}
