import { useTestRedis } from '@nightshift/testing-fakes';
import { type Job, Queue, Worker } from 'bullmq';

import { type QueueJobState, QueueReader } from './queue-reader';

const testRedis = useTestRedis();
const STATES: QueueJobState[] = [
  'waiting',
  'prioritized',
  'active',
  'delayed',
  'failed',
  'completed',
  'waiting-children',
];

/** The reader must say what BullMQ's own getters say, for every state, on a queue holding jobs in all of them. */
describe('QueueReader against BullMQ itself', () => {
  it('gives the same counts, oldest-job timestamps and job states as Queue', async () => {
    const queue = new Queue('reader-contract', { connection: testRedis.redis });
    const ids: string[] = [];
    const add = async (name: string, opts: object = {}) =>
      ids.push((await queue.add(name, {}, { jobId: name, ...opts })).id!);
    await add('done-1');
    await add('fail-1', { attempts: 1 });
    await add('active-1');
    let release: () => void = () => undefined;
    const holding = new Promise<void>((r) => (release = r));
    let activeStarted: () => void = () => undefined;
    const seen = new Promise<void>((r) => (activeStarted = r));
    // One at a time, in order: done-1, fail-1, then active-1 holds the only slot, so later jobs stay waiting.
    const connection = testRedis.redis.duplicate({ maxRetriesPerRequest: null });
    const worker = new Worker(
      'reader-contract',
      async (job: Job) => {
        if (job.id === 'fail-1') throw new Error('planned failure');
        if (job.id === 'active-1') {
          activeStarted();
          await holding;
        }
      },
      { connection, concurrency: 1 },
    );
    try {
      await seen;
      await add('wait-1');
      await add('wait-2');
      await add('urgent-1', { priority: 1 });
      await add('later-1', { delay: 60_000 });

      const reader = new QueueReader(testRedis.redis);
      const counts = await reader.counts('reader-contract', STATES);
      expect(counts).toEqual(await queue.getJobCounts(...STATES));
      expect(counts).toMatchObject({ waiting: 2, prioritized: 1, active: 1, delayed: 1, failed: 1, completed: 1 });
      for (const state of STATES) {
        const [oldest] = await queue.getJobs([state], 0, 0, true);
        expect([state, await reader.oldestTimestamp('reader-contract', state)]).toEqual([
          state,
          oldest?.timestamp ?? null,
        ]);
      }
      for (const id of [...ids, 'no-such-job']) {
        expect([id, await reader.jobState('reader-contract', id)]).toEqual([id, await queue.getJobState(id)]);
      }
    } finally {
      release();
      await worker.close();
      connection.disconnect();
      await queue.close();
    }
  });
});
