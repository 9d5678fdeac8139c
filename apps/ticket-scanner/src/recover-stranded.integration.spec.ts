import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '@nightshift/service-shell';
import { Claims, EventLog, TicketCounters } from '@nightshift/state';
import { LocalBoard } from '@nightshift/tracker';
import { useTestRedis } from '@nightshift/testing-fakes';
import { recoverStranded } from './recover-stranded';

const testRedis = useTestRedis();
let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'ns-stranded-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('recoverStranded', () => {
  it('puts back in the queue a launched ticket In Progress whose claim is gone, and leaves claimed and human tickets alone', async () => {
    const redis = testRedis.redis;
    const board = new LocalBoard({ dir });
    const claims = new Claims(redis);
    const counters = new TicketCounters(redis);
    const [lost, running, human] = [await board.add({ title: '[api] lost' }), await board.add({ title: '[api] running' }), await board.add({ title: '[api] by hand' })];
    for (const t of [lost, running, human]) await board.moveTo(t.key, 'In Progress');
    await counters.nextLaunch(lost.key);
    await counters.nextLaunch(running.key);
    await claims.claim(running.key, `${running.key}.1`, 60_000);
    const events = new EventLog(redis);
    const deps = { tracker: board, claims, redis, events, logger: createLogger('test', 'silent'), inProgress: 'In Progress', queueState: 'Agent Queue' };

    expect(await recoverStranded(deps)).toEqual([lost.key]);
    expect((await board.getTicket(lost.key))?.state).toBe('Agent Queue');
    expect((await board.getTicket(running.key))?.state).toBe('In Progress');
    expect((await board.getTicket(human.key))?.state).toBe('In Progress');
    expect((await events.read()).filter((e) => e.ticket === lost.key)).toEqual([expect.objectContaining({ type: 'ticket.moved', detail: expect.objectContaining({ to: 'Agent Queue' }) })]);
    expect(await recoverStranded(deps)).toEqual([]);
  });
});
