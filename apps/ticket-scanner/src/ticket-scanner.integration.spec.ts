import { INTAKE_QUEUE } from '@nightshift/contracts';
import { createJobQueue, type JobQueue } from '@nightshift/service-shell';
import { EventLog, type PollSlowdown } from '@nightshift/state';
import { FakeLinear, useTestRedis, waitFor } from '@nightshift/testing-fakes';
import { DEFAULT_WORKFLOW_STATES, LinearTracker } from '@nightshift/tracker';
import pino from 'pino';
import { Registry } from 'prom-client';

import { TicketScanner } from './ticket-scanner';

const KEY = 'lin_api_scanner_spec_0123456789';

describe("TicketScanner polling against Linear's budget", () => {
  const redis = useTestRedis();
  let fake: FakeLinear;
  let queue: JobQueue<'intake'>;
  let scanner: TicketScanner | undefined;
  let registry: Registry;
  const logged: Array<{ delayMs?: number; msg: string }> = [];
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => void logged.push(JSON.parse(line) as { delayMs?: number; msg: string }) },
  );

  const paces: Array<PollSlowdown | null> = [];
  async function start(
    limits: ConstructorParameters<typeof FakeLinear>[0]['limits'],
    // Generous by default, so only the test about the poll share meets it at a 50 ms interval.
    hourlyBudget = { requestsPerHour: 1e9, complexityPerHour: 1e12 },
  ): Promise<void> {
    fake = new FakeLinear({ apiKey: KEY, teams: ['ENG'], limits });
    const apiUrl = await fake.start();
    fake.createIssue({ team: 'ENG', title: 'queued', state: 'Agent Queue' });
    queue = createJobQueue('intake', INTAKE_QUEUE, { connection: redis.redis });
    const tracker = new LinearTracker({
      apiKey: KEY,
      tokenEnv: 'LINEAR_API_KEY',
      apiUrl,
      teams: [{ key: 'ENG' }],
      states: DEFAULT_WORKFLOW_STATES,
      hourlyBudget,
    });
    scanner = new TicketScanner({
      onPace: async (pace) => void paces.push(pace),
      tracker,
      intake: queue,
      events: new EventLog(redis.redis),
      logger,
      registry: (registry = new Registry()),
      queueStates: ['Agent Queue'],
      scanIntervalMs: 50,
    });
    scanner.start();
  }

  afterEach(async () => {
    await scanner?.close();
    await queue?.close();
    await fake?.stop();
    logged.length = 0;
    paces.length = 0;
  });

  const listings = () => fake.requests.filter((r) => r.detail === 'NightshiftCandidateKeys').length;
  /** nightshift_tracker_poll_interval_seconds{tracker="linear"}, which the tracker-poll alert measures silence against. */
  const pollIntervalSec = async () =>
    (await registry.getSingleMetric('nightshift_tracker_poll_interval_seconds')!.get()).values.find(
      (v) => v.labels['tracker'] === 'linear',
    )?.value;

  it('polls at the configured interval while the budget is healthy', async () => {
    await start({});
    await waitFor('three polls', () => listings() >= 3, 15_000);
    expect(logged.filter((l) => l.msg.includes('slowed'))).toEqual([]);
    expect(paces).toEqual([]);
    expect(await queue.getJobCounts('waiting')).toMatchObject({ waiting: 1 });
    expect(await pollIntervalSec()).toBe(0.05);
  });

  it('waits for the reset once less than a tenth of the complexity budget is left, saying so', async () => {
    // The first poll (600 points of keys + 62.4 for the new candidate) leaves under a tenth of 730.
    await start({ complexityPerHour: 730 });
    await waitFor('the stretched poll announced', () => logged.some((l) => l.msg.includes('slowed')), 15_000);
    const line = logged.find((l) => l.msg.includes('slowed'))!;
    expect(paces).toEqual([expect.objectContaining({ reason: 'budget-spent' })]);
    // Refilling 600+ points at 730 an hour takes most of an hour: far beyond the 50 ms interval.
    expect(line.delayMs).toBeGreaterThan(30 * 60_000);
    expect(await pollIntervalSec()).toBe(line.delayMs! / 1000);
    expect(listings()).toBe(1);
    expect(await queue.getJobCounts('waiting')).toMatchObject({ waiting: 1 });
  });

  it('slows polling to keep it within pollBudgetShare of the hourly budget: an event, the metric and a status record', async () => {
    // A warm poll asks for 11 keys (the last count + 10): 27 points. 25 % of 900 points an hour is 8 such polls,
    // one every 432 s; the 50 ms interval would spend almost 2 M.
    await start({}, { requestsPerHour: 1e9, complexityPerHour: 900 });
    await waitFor('the slowed pace announced', () => paces.length > 0, 15_000);
    expect(paces).toEqual([{ reason: 'poll-share', intervalSec: expect.any(Number), since: expect.any(String) }]);
    expect(paces[0]!.intervalSec).toBeGreaterThanOrEqual(240);
    const events = await new EventLog(redis.redis).recent(20);
    const slowed = events.filter((e) => e.type === 'tracker.poll_slowed');
    expect(slowed).toHaveLength(1);
    expect(slowed[0]!.detail).toMatchObject({ tracker: 'linear', reason: 'poll-share', share: 0.25 });
    expect(await pollIntervalSec()).toBeGreaterThanOrEqual(240);
    const flag = (await registry.getSingleMetric('nightshift_tracker_poll_slowed')!.get()).values;
    expect(flag.find((v) => v.labels['reason'] === 'poll-share')?.value).toBe(1);
    expect(listings()).toBe(2);
  });
});
