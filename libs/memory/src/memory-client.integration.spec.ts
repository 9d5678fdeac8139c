import { MEMORY_REQUESTS_QUEUE, type RecallRequest } from '@nightshift/contracts';
import { useTestRedis } from '@nightshift/testing-fakes';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

import { MemoryClient, MemoryUnavailableError } from './index';

describe('MemoryClient over real Redis', () => {
  const redis = useTestRedis();
  let events: Redis;
  let client: MemoryClient;
  let worker: Worker | undefined;
  let workerConnection: Redis | undefined;
  beforeEach(async () => {
    events = new Redis(redis.url, { maxRetriesPerRequest: null });
    client = new MemoryClient(redis.redis, events);
    await client.ready();
  });
  afterEach(async () => {
    await worker?.close(true);
    workerConnection?.disconnect();
    worker = undefined;
    await client.close();
    events.disconnect();
  });

  it('fails at once when no consolidator serves the queue', async () => {
    const started = Date.now();
    await expect(client.recall({ query: 'q', topK: 3 }, 30_000)).rejects.toThrow(/no memory-consolidator is running/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('gives up after its timeout when the consolidator is slow, and gets the answer when it is not', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const seen: RecallRequest[] = [];
    worker = new Worker(
      MEMORY_REQUESTS_QUEUE,
      async (job) => {
        seen.push(job.data as RecallRequest);
        if ((job.data as RecallRequest).query === 'slow') await gate;
        return { learnings: [], answered: true };
      },
      { connection: (workerConnection = new Redis(redis.url, { maxRetriesPerRequest: null })) },
    );
    await worker.waitUntilReady();
    await expect(client.recall({ query: 'slow', topK: 3 }, 300)).rejects.toThrow(MemoryUnavailableError);
    await expect(client.recall({ query: 'slow', topK: 3 }, 300)).rejects.toThrow(/did not answer within 300 ms/);
    release();
    await expect(client.recall({ query: 'fast', topK: 3 }, 10_000)).resolves.toEqual({ learnings: [], answered: true });
    // Each request carries its deadline, so a consolidator that reaches it late can drop it.
    expect(seen[0]!.deadline).toBeGreaterThan(Date.now() - 60_000);
  });
});
