import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { INTAKE_QUEUE } from '@nightshift/contracts';
import { createJobQueue, type JobQueue } from '@nightshift/service-shell';
import { EventLog } from '@nightshift/state';
import { useTestRedis, waitFor } from '@nightshift/testing-fakes';
import { LocalBoard } from '@nightshift/tracker';
import pino from 'pino';
import { Registry } from 'prom-client';

import { TicketScanner } from './ticket-scanner';

describe('TicketScanner under a stream of change signals', () => {
  const redis = useTestRedis();
  let dir: string;
  let queue: JobQueue<'intake'>;
  let scanner: TicketScanner;

  afterEach(async () => {
    await scanner?.close();
    await queue?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('scans at once on an idle board, and folds a burst into one follow-up scan at least the gap after the last', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-scan-coalescing-'));
    const board = new LocalBoard({ dir });
    await board.add({ title: 'queued' });
    // The real board, its listings timed: each scan lists the queue states once.
    const listedAt: number[] = [];
    const tracker = Object.assign(Object.create(board) as LocalBoard, {
      listByStates: (states: string[]) => {
        listedAt.push(Date.now());
        return board.listByStates(states);
      },
    });
    queue = createJobQueue('intake', INTAKE_QUEUE, { connection: redis.redis });
    const gap = 300;
    scanner = new TicketScanner({
      tracker,
      intake: queue,
      events: new EventLog(redis.redis),
      logger: pino({ level: 'silent' }),
      registry: new Registry(),
      queueStates: ['Agent Queue'],
      scanIntervalMs: 3_600_000,
      followUpGapMs: gap,
    });

    const first = scanner.scanSoon('signal');
    for (let i = 0; i < 50; i++) void scanner.scanSoon('signal');
    await first;
    await waitFor('the one follow-up scan', () => listedAt.length === 2, 10_000);
    expect(listedAt[1]! - listedAt[0]!).toBeGreaterThanOrEqual(gap - 5);
    // Another burst once that is done: again one scan at once and one follow-up after the gap, no more.
    for (let i = 0; i < 20; i++) void scanner.scanSoon('signal');
    await waitFor("the second burst's follow-up", () => listedAt.length === 4, 10_000);
    expect(listedAt[3]! - listedAt[2]!).toBeGreaterThanOrEqual(gap - 5);

    // Idle again (well past the gap): a lone signal scans at once, and nothing follows it.
    await new Promise((r) => setTimeout(r, gap * 2));
    expect(listedAt.length).toBe(4);
    const asked = Date.now();
    await scanner.scanSoon('signal');
    expect(listedAt.length).toBe(5);
    expect(listedAt[4]! - asked).toBeLessThan(gap);
  });
});
