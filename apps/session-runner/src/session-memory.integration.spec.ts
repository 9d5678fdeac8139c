import { parseConfig } from '@nightshift/config';
import type { SessionJob } from '@nightshift/contracts';
import type { Ticket } from '@nightshift/domain';
import { MemoryClient } from '@nightshift/memory';
import { createLogger } from '@nightshift/service-shell';
import { EventLog } from '@nightshift/state';
import { useTestRedis } from '@nightshift/testing-fakes';
import { Registry } from 'prom-client';

import type { SessionDeps } from './session-deps';
import { recallLearnings } from './session-memory';
import { SessionMemory } from './session-memory-client';

jest.setTimeout(30_000);

const testRedis = useTestRedis();

describe('recall when memory is away', () => {
  it('goes on with no learnings and counts nightshift_memory_recalls_total{result="unavailable"}', async () => {
    const registry = new Registry();
    const eventsConnection = testRedis.redis.duplicate();
    const client = new MemoryClient(testRedis.redis, eventsConnection);
    const deps = {
      config: parseConfig('repos: [{ name: api, remote: /r }]', '/tmp/nightshift.yaml'),
      host: 'linux-1',
      events: new EventLog(testRedis.redis),
      memory: new SessionMemory(client, registry),
      logger: createLogger('session-runner', 'fatal'),
    } as unknown as SessionDeps;
    const job = { runId: 'API-3.1', repo: 'api', tickets: ['API-3'] } as SessionJob;
    const ticket: Ticket = {
      key: 'API-3',
      title: 'warm the cache',
      description: '',
      labels: [],
      state: 'In Progress',
      priority: 0,
      createdAt: '2026-12-07T00:00:00Z',
      updatedAt: '2026-12-07T00:00:00Z',
      url: 'local:API-3',
      comments: [],
    };

    // No memory-consolidator serves the queue.
    const recalled = await recallLearnings(deps, job, [ticket]);

    expect(recalled.lines).toEqual([]);
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'nightshift_memory_recalls_total');
    expect(metric?.values).toEqual([{ labels: { result: 'unavailable', repo: 'api' }, value: 1 }]);
    expect((await deps.events.read()).map((e) => e.type)).toEqual(['memory.unavailable']);
    await client.close();
    // BullMQ closes no connection it was handed: this one would keep Jest alive, reconnecting for ever.
    eventsConnection.disconnect();
  });
});
