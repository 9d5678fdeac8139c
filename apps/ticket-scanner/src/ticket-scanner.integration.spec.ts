import { createJobQueue, type JobQueue } from '@nightshift/service-shell';
import pino from 'pino';
import { Registry } from 'prom-client';
import { INTAKE_QUEUE } from '@nightshift/contracts';
import { EventLog } from '@nightshift/state';
import { FakeLinear, useTestRedis, waitFor } from '@nightshift/testing-fakes';
import { DEFAULT_WORKFLOW_STATES, LinearTracker } from '@nightshift/tracker';
import { TicketScanner } from './ticket-scanner';

const KEY = 'lin_api_scanner_spec_0123456789';

describe('TicketScanner polling against Linear\'s budget', () => {
  const redis = useTestRedis();
  let fake: FakeLinear;
  let queue: JobQueue<'intake'>;
  let scanner: TicketScanner | undefined;
  const logged: Array<{ delayMs?: number; msg: string }> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line) as { delayMs?: number; msg: string }) });

  async function start(limits: ConstructorParameters<typeof FakeLinear>[0]['limits']): Promise<void> {
    fake = new FakeLinear({ apiKey: KEY, teams: ['ENG'], limits });
    const apiUrl = await fake.start();
    fake.createIssue({ team: 'ENG', title: 'queued', state: 'Agent Queue' });
    queue = createJobQueue('intake', INTAKE_QUEUE, { connection: redis.redis });
    const tracker = new LinearTracker({ apiKey: KEY, tokenEnv: 'LINEAR_API_KEY', apiUrl, teams: [{ key: 'ENG' }], states: DEFAULT_WORKFLOW_STATES });
    scanner = new TicketScanner({ tracker, intake: queue, events: new EventLog(redis.redis), logger, registry: new Registry(), queueStates: ['Agent Queue'], scanIntervalMs: 50 });
    scanner.start();
  }

  afterEach(async () => {
    await scanner?.close();
    await queue?.close();
    await fake?.stop();
    logged.length = 0;
  });

  const listings = () => fake.requests.filter((r) => r.detail === 'NightshiftCandidateKeys').length;

  it('polls at the configured interval while the budget is healthy', async () => {
    await start({});
    await waitFor('three polls', () => listings() >= 3, 15_000);
    expect(logged.filter((l) => l.msg.includes('budget low'))).toEqual([]);
    expect(await queue.getJobCounts('waiting')).toMatchObject({ waiting: 1 });
  });

  it('waits for the reset once less than a tenth of the complexity budget is left, saying so', async () => {
    // The first poll (600 points of keys + 62.4 for the new candidate) leaves under a tenth of 730.
    await start({ complexityPerHour: 730 });
    await waitFor('the stretched poll announced', () => logged.some((l) => l.msg.includes('budget low')), 15_000);
    const line = logged.find((l) => l.msg.includes('budget low'))!;
    // Refilling 600+ points at 730 an hour takes most of an hour: far beyond the 50 ms interval.
    expect(line.delayMs).toBeGreaterThan(30 * 60_000);
    expect(listings()).toBe(1);
    expect(await queue.getJobCounts('waiting')).toMatchObject({ waiting: 1 });
  });
});
