import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { parseConfig } from '@nightshift/config';
import { MEMORY_OUTCOMES_QUEUE } from '@nightshift/contracts';
import {
  EmbeddedVectorStore,
  LexicalHashEmbedder,
  Memory,
  MemoryClient,
  outcomeBackoffStrategy,
} from '@nightshift/memory';
import { createJobWorker, jobDispatcher } from '@nightshift/service-shell';
import { EventLog } from '@nightshift/state';
import { useTestRedis, waitFor } from '@nightshift/testing-fakes';
import pino from 'pino';

import { memoryHandlers } from './memory-handlers';

jest.setTimeout(60_000);

/** An embedder (Ollama, say) that can be taken away: every call fails while it is down. */
class FlakyEmbedder extends LexicalHashEmbedder {
  down = true;
  calls = 0;
  override async embed(texts: string[]): Promise<Float32Array[]> {
    this.calls++;
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:11434');
    return super.embed(texts);
  }
}

describe('an outcome recorded while memory is away', () => {
  const test = useTestRedis();
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ns-outage-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is learned when the embedder is back after 8 s, longer than three attempts at 1/2/4 s wait', async () => {
    const embedder = new FlakyEmbedder();
    const memory = new Memory(new EmbeddedVectorStore(dir, 'm'), embedder);
    await memory.open();
    const h = memoryHandlers({
      memory,
      config: parseConfig('repos: [{ name: api, remote: /r }]', '/tmp/nightshift.yaml').memory,
      redis: test.redis,
      events: new EventLog(test.redis),
      logger: pino({ level: 'silent' }),
    });
    // The consolidator's outcomes worker, with the backoff its main.ts gives it.
    const workerConnection = test.redis.duplicate();
    const worker = createJobWorker(
      'memoryOutcomes',
      MEMORY_OUTCOMES_QUEUE,
      jobDispatcher('memoryOutcomes', MEMORY_OUTCOMES_QUEUE, {
        'memory.outcome': (job) => h.outcome(job.data),
        'memory.consolidate': (job) => h.consolidate(job.data),
      }),
      { connection: workerConnection, settings: { backoffStrategy: outcomeBackoffStrategy } },
    );
    const eventsConnection = test.redis.duplicate();
    const client = new MemoryClient(test.redis, eventsConnection);
    await client.record({
      runId: 'API-5.1',
      repo: 'api',
      tickets: ['API-5'],
      subject: 'API-5: warm the price list cache',
      outcome: 'timeout',
      model: 'sonnet',
      attempt: 1,
      reason: 'timed out',
      lastLines: 'the price list cache never warms up',
      recalled: [],
      finishedAt: new Date().toISOString(),
    });
    const downSince = Date.now();
    await waitFor('the embedder asked a few times', async () => embedder.calls >= 3 || undefined, 20_000, 50);
    // The outage itself lasts 8 s: what is under test is its length, not an event to wait for.
    await new Promise((r) => setTimeout(r, Math.max(0, 8000 - (Date.now() - downSince))));
    embedder.down = false;

    const learned = await waitFor(
      'the lesson recorded',
      async () => (await memory.all()).find((l) => l.repo === 'api'),
      30_000,
      100,
    );
    expect(learned).toBeDefined();
    expect(embedder.calls).toBeGreaterThan(3);

    await worker.close();
    await client.close();
    await memory.close();
    // BullMQ closes no connection it was handed: these would keep Jest alive, reconnecting for ever.
    workerConnection.disconnect();
    eventsConnection.disconnect();
  });
});
