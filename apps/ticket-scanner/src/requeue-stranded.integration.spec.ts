import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { parseConfig } from '@nightshift/config';
import { moveTicket } from '@nightshift/domain';
import { Claims, EventLog, SessionRegistry, TicketCounters } from '@nightshift/state';
import { useTestRedis } from '@nightshift/testing-fakes';
import { LocalBoard } from '@nightshift/tracker';
import pino from 'pino';

import { requeueStranded, type StrandedDeps } from './requeue-stranded';

const test = useTestRedis();

describe('requeueStranded (In Progress tickets nothing works on)', () => {
  let dir: string;
  let deps: StrandedDeps;
  let board: LocalBoard;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ns-stranded-'));
    const config = parseConfig(
      'repos:\n  - { name: api, remote: /r/api.git }\nrouting: { strandedAfterSec: 60 }\n',
      path.join(dir, 'nightshift.yaml'),
    );
    board = new LocalBoard({ dir: config.paths.board });
    deps = {
      config,
      tracker: board,
      redis: test.redis,
      claims: new Claims(test.redis),
      sessions: new SessionRegistry(test.redis),
      counters: new TicketCounters(test.redis),
      events: new EventLog(test.redis),
      sessionQueues: [],
      logger: pino({ level: 'silent' }),
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A ticket Nightshift launched once and moved to In Progress (as the router does). */
  async function dispatched(title: string): Promise<string> {
    const { key } = await board.add({ title });
    await deps.counters.nextLaunch(key);
    await moveTicket(deps, key, deps.config.tracker.states.inProgress, { run: `${key}.1`, from: 'Agent Queue' });
    return key;
  }

  /** Two passes strandedAfterSec apart: the first marks, the second acts. */
  async function sweepTwice(): Promise<string[]> {
    const now = Date.now();
    await requeueStranded(deps, now);
    return requeueStranded(deps, now + 61_000);
  }

  it('puts back a ticket Nightshift moved to In Progress when nothing works on it', async () => {
    const key = await dispatched('[api] router died after the move');

    expect(await sweepTwice()).toEqual([key]);
    expect((await board.getTicket(key))?.state).toBe('Agent Queue');
  });

  it('leaves alone a ticket Nightshift gave up on that a human then took In Progress', async () => {
    const key = await dispatched('[api] gave up on, then a human works on it');
    await moveTicket(deps, key, deps.config.tracker.states.needsHuman, { run: `${key}.1`, from: 'In Progress' });
    await board.moveTo(key, deps.config.tracker.states.inProgress);

    expect(await sweepTwice()).toEqual([]);
    const ticket = await board.getTicket(key);
    expect(ticket?.state).toBe('In Progress');
    expect(ticket?.comments.filter((c) => c.body.includes('back in the queue'))).toEqual([]);
  });
});
