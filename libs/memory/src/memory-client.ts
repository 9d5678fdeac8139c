import {
  JOB,
  MEMORY_OUTCOMES_QUEUE,
  MEMORY_REQUESTS_QUEUE,
  type MemoryForgetResult,
  type MemoryOutcomeJob,
  memoryOutcomeJobId,
  type MemoryStatsResult,
  type RecallRequest,
  type RecallResult,
} from '@nightshift/contracts';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';

import { MemoryUnavailableError } from './errors/memory-errors';
import { OUTCOME_JOB_RETRY } from './outcome-retry';

/**
 * Talks to the memory-consolidator over its queues: request/response for recall, stats and forget
 * (a job, then waitUntilFinished with a deadline), fire-and-forget for outcomes. Every call is
 * bounded: a consolidator that is down or slow makes it throw MemoryUnavailableError, never hang.
 */
export class MemoryClient {
  private readonly requests: Queue;
  private readonly outcomes: Queue;
  private readonly events: QueueEvents;
  private workersSeenAt = 0;

  constructor(connection: Redis, eventsConnection: Redis) {
    this.requests = new Queue(MEMORY_REQUESTS_QUEUE, { connection });
    this.outcomes = new Queue(MEMORY_OUTCOMES_QUEUE, { connection });
    this.events = new QueueEvents(MEMORY_REQUESTS_QUEUE, { connection: eventsConnection });
    // Connection errors surface on the calls (as MemoryUnavailableError); the emitters must not crash the process.
    this.requests.on('error', () => undefined);
    this.outcomes.on('error', () => undefined);
    this.events.on('error', () => undefined);
  }

  async ready(): Promise<void> {
    await this.events.waitUntilReady();
  }

  recall(req: Omit<RecallRequest, 'deadline'>, timeoutMs: number): Promise<RecallResult> {
    return this.request<RecallResult>(JOB.memoryRecall, (deadline) => ({ ...req, deadline }), timeoutMs);
  }

  stats(timeoutMs: number, repo?: string): Promise<MemoryStatsResult> {
    return this.request<MemoryStatsResult>(JOB.memoryStats, () => ({ repo }), timeoutMs);
  }

  forget(id: string, timeoutMs: number): Promise<MemoryForgetResult> {
    return this.request<MemoryForgetResult>(JOB.memoryForget, () => ({ id }), timeoutMs);
  }

  /**
   * Queues a finished session's outcome; the consolidator learns from it whenever it runs, retrying through an
   * outage of its store or embedder (OUTCOME_JOB_RETRY).
   */
  async record(outcome: MemoryOutcomeJob): Promise<void> {
    await this.outcomes.add(JOB.memoryOutcome, outcome, {
      jobId: memoryOutcomeJobId(outcome.runId),
      removeOnComplete: true,
      removeOnFail: { count: 1000 },
      ...OUTCOME_JOB_RETRY,
    });
  }

  private async request<T>(name: string, payload: (deadline: number) => object, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    await this.assertConsumer();
    const job = await this.requests.add(name, payload(deadline), {
      removeOnComplete: { age: 60 },
      removeOnFail: { age: 60 },
    });
    const left = Math.max(1, deadline - Date.now());
    try {
      return (await job.waitUntilFinished(this.events, left)) as T;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new MemoryUnavailableError(
        /timed out/i.test(message)
          ? `memory did not answer within ${timeoutMs} ms`
          : `memory request failed: ${message}`,
      );
    }
  }

  /** Fails at once, instead of after the timeout, when no consolidator is listening (checked at most every 10 s). */
  private async assertConsumer(): Promise<void> {
    if (Date.now() - this.workersSeenAt < 10_000) return;
    const workers = await this.requests.getWorkersCount().catch(() => 1);
    if (workers === 0)
      throw new MemoryUnavailableError('no memory-consolidator is running (nobody serves the memory.requests queue)');
    this.workersSeenAt = Date.now();
  }

  async close(): Promise<void> {
    await this.events.close();
    await Promise.all([this.requests.close(), this.outcomes.close()]);
  }
}
