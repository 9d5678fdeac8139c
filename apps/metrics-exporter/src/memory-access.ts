import type { RecallResult } from '@nightshift/contracts';
import { MemoryClient } from '@nightshift/memory';
import type { Redis } from 'ioredis';

/** How long the console waits for the memory-consolidator's answer. */
const MEMORY_TIMEOUT_MS = 10_000;

/** One memory request through the memory-consolidator (as the CLI's `nightshift memory`), then the client closes. */
async function withMemory<T>(redis: Redis, fn: (client: MemoryClient) => Promise<T>): Promise<T> {
  // QueueEvents reads with blocking commands: BullMQ wants no per-request retry limit on that connection.
  const events = redis.duplicate({ maxRetriesPerRequest: null });
  const client = new MemoryClient(redis, events);
  try {
    await client.ready();
    return await fn(client);
  } finally {
    await client.close();
    events.disconnect();
  }
}

export const searchMemory = (redis: Redis, query: string, repo?: string): Promise<RecallResult> =>
  withMemory(redis, (c) => c.recall({ query, topK: 20, ...(repo ? { repo } : {}) }, MEMORY_TIMEOUT_MS));

export const forgetLearning = (redis: Redis, id: string): Promise<boolean> =>
  withMemory(redis, async (c) => (await c.forget(id, MEMORY_TIMEOUT_MS)).removed);
