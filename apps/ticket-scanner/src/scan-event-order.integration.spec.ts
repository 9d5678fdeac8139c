import { INTAKE_QUEUE } from '@nightshift/contracts';
import { createJobQueue } from '@nightshift/service-shell';
import { EventLog } from '@nightshift/state';
import { FakeLinear, useTestRedis } from '@nightshift/testing-fakes';
import { DEFAULT_WORKFLOW_STATES, LinearTracker } from '@nightshift/tracker';
import { Queue } from 'bullmq';
import pino from 'pino';
import { Registry } from 'prom-client';

import { TicketScanner } from './ticket-scanner';

const KEY = 'lin_api_scan_order_spec_0123456789';

describe('a scan tells before it offers', () => {
  const redis = useTestRedis();

  it("appends every ticket's ticket.scanned before its intake job exists, so no claim can come first", async () => {
    const fake = new FakeLinear({ apiKey: KEY, teams: ['ENG'] });
    const apiUrl = await fake.start();
    for (let i = 0; i < 40; i++) fake.createIssue({ team: 'ENG', title: `queued ${i}`, state: 'Agent Queue' });
    const queue = createJobQueue('intake', INTAKE_QUEUE, { connection: redis.redis });
    const events = new EventLog(redis.redis);
    const scanner = new TicketScanner({
      onPace: async () => undefined,
      tracker: new LinearTracker({
        apiKey: KEY,
        tokenEnv: 'LINEAR_API_KEY',
        apiUrl,
        teams: [{ key: 'ENG' }],
        states: DEFAULT_WORKFLOW_STATES,
        hourlyBudget: { requestsPerHour: 1e9, complexityPerHour: 1e12 },
      }),
      intake: queue,
      events,
      logger: pino({ level: 'silent' }),
      registry: new Registry(),
      queueStates: ['Agent Queue'],
      scanIntervalMs: 60_000,
    });
    const inspect = new Queue(INTAKE_QUEUE, { connection: redis.redis });
    try {
      expect(await scanner.scanOnce('poll')).toBe(40);
      const told = new Map(
        (await events.read())
          .filter((e) => e.type === 'ticket.scanned')
          .map((e) => [e.ticket, Number(e.id.split('-')[0])]),
      );
      const jobs = await inspect.getJobs(['waiting', 'prioritized', 'delayed']);
      expect(jobs).toHaveLength(40);
      const offeredBeforeTold = jobs
        .filter((job) => !(job.timestamp >= (told.get((job.data as { ticketKey: string }).ticketKey) ?? Infinity)))
        .map((job) => (job.data as { ticketKey: string }).ticketKey);
      expect(offeredBeforeTold).toEqual([]);
    } finally {
      await inspect.close();
      await scanner.close();
      await queue.close();
      await fake.stop();
    }
  });
});
