import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';

import { CANCEL_CHANNEL, EventLog, SessionRegistry } from '@nightshift/state';
import { useTestRedis } from '@nightshift/testing-fakes';
import { LocalBoard } from '@nightshift/tracker';
import { Redis } from 'ioredis';
import pino from 'pino';

import { reconcileSessions } from './reconcile-sessions';

const test = useTestRedis();

describe('reconcileSessions', () => {
  let dir: string;
  let subscriber: Redis;
  let published: string[];
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ns-reconcile-'));
    published = [];
    subscriber = new Redis(test.url);
    subscriber.on('message', (_channel: string, message: string) => published.push(message));
    await subscriber.subscribe(CANCEL_CHANNEL);
  });
  afterEach(() => {
    subscriber.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks and logs once per session that left In Progress, not on every scan while its runner finishes', async () => {
    const board = new LocalBoard({ dir, defaultState: 'Agent Queue' });
    const done = await board.add({ title: 'finished normally', state: 'In Review' });
    const working = await board.add({ title: 'still working', state: 'In Progress' });
    const sessions = new SessionRegistry(test.redis);
    const session = (runId: string, ticket: string) => ({
      runId,
      host: 'h',
      runnerPid: process.pid,
      tickets: [ticket],
      heartbeatAt: new Date().toISOString(),
    });
    await sessions.put(session(`${done.key}.1`, done.key));
    await sessions.put(session(`${working.key}.1`, working.key));
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({ write: (chunk: Buffer, _enc, cb) => (lines.push(chunk.toString()), cb()) }),
    );
    const deps = {
      tracker: board,
      sessions,
      redis: test.redis,
      events: new EventLog(test.redis),
      logger,
      activeStates: ['In Progress'],
      terminalStates: ['Done'],
    };

    const asked = [];
    for (let scan = 0; scan < 5; scan++) asked.push(await reconcileSessions(deps));

    expect(asked).toEqual([[`${done.key}.1`], [], [], [], []]);
    expect(lines.filter((l) => l.includes('ticket left the active states'))).toHaveLength(1);
    // A second scanner (same Redis) does not ask again either.
    expect(await reconcileSessions({ ...deps, logger: pino({ level: 'silent' }) })).toEqual([]);
    await subscriber.ping(); // its reply comes after every message published before it
    expect(published.map((m) => JSON.parse(m) as unknown)).toEqual([
      { runId: `${done.key}.1`, reason: 'inactive', state: 'In Review' },
    ]);
  });

  it('asks again for a session that is still listed after the ask expired', async () => {
    const board = new LocalBoard({ dir, defaultState: 'Agent Queue' });
    const ticket = await board.add({ title: 'moved to Done by a human', state: 'Done' });
    const sessions = new SessionRegistry(test.redis);
    await sessions.put({
      runId: `${ticket.key}.1`,
      host: 'h',
      runnerPid: process.pid,
      tickets: [ticket.key],
      heartbeatAt: new Date().toISOString(),
    });
    const deps = {
      tracker: board,
      sessions,
      redis: test.redis,
      events: new EventLog(test.redis),
      logger: pino({ level: 'silent' }),
      activeStates: ['In Progress'],
      terminalStates: ['Done'],
    };
    expect(await reconcileSessions(deps)).toEqual([`${ticket.key}.1`]);
    await test.redis.del(`nightshift:cancel-asked:${ticket.key}.1`); // what the TTL does after an hour
    expect(await reconcileSessions(deps)).toEqual([`${ticket.key}.1`]);
  });
});
