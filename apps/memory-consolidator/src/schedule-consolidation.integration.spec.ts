import { parseConfig } from '@nightshift/config';
import { MEMORY_CONSOLIDATION_SCHEDULER, MEMORY_OUTCOMES_QUEUE } from '@nightshift/contracts';
import { createJobQueue } from '@nightshift/service-shell';
import { useTestRedis } from '@nightshift/testing-fakes';

import { scheduleConsolidation } from './schedule-consolidation';

jest.setTimeout(30_000);

const testRedis = useTestRedis();

describe('the consolidation schedule', () => {
  it('registers one scheduler that runs memory.consolidate every 6 hours by default, however often the service starts', async () => {
    const queue = createJobQueue('memoryOutcomes', MEMORY_OUTCOMES_QUEUE, { connection: testRedis.redis });
    const config = parseConfig('repos: [{ name: api, remote: /r }]', '/tmp/nightshift.yaml').memory;

    await scheduleConsolidation(queue, config);
    await scheduleConsolidation(queue, config);

    const schedulers = await queue.getJobSchedulers();
    expect(schedulers).toEqual([
      expect.objectContaining({
        key: MEMORY_CONSOLIDATION_SCHEDULER,
        name: 'memory.consolidate',
        every: 6 * 3_600_000,
      }),
    ]);
    const [next] = await queue.getJobs(['delayed', 'waiting', 'prioritized']);
    expect(next?.name).toBe('memory.consolidate');
    await queue.close();
  });
});
