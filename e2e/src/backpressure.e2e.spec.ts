import type { StoredEvent } from '@nightshift/state';

import { Pipeline, waitFor } from './harness';

const TICKETS = 40;
const SLOTS = 4;
const BATCH = 1;

describe('dispatch with back-pressure', () => {
  let pipeline: Pipeline;
  let watching = true;
  afterEach(async () => {
    watching = false;
    await pipeline?.stop();
  });

  it('40 queued tickets on 4 slots: In Progress never above slots × batchSize, 40 PRs, none stranded; a raise to Urgent goes next, a pull-back never starts', async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: {
        hosts: [{ name: 'linux-1', capabilities: ['linux'], slots: SLOTS }],
        // A short stranded delay: a ticket In Progress with nothing working on it would be requeued within the test.
        routing: { retryDelaySec: 1, batchSize: BATCH, strandedAfterSec: 5 },
      },
    });
    const keys: string[] = [];
    for (let i = 0; i < TICKETS; i++)
      keys.push(
        (await pipeline.board.add({ title: `[alpha] task ${i}`, description: 'fake-agent: slow=2000', priority: 3 }))
          .key,
      );
    const raised = keys[TICKETS - 1]!;
    const pulled = keys[TICKETS - 2]!;
    let peak = 0;
    const inProgress = async () => new Set((await pipeline.board.listByStates(['In Progress'])).map((t) => t.key));
    const watcher = (async () => {
      while (watching) {
        // One read of the board is file by file, not one instant: a ticket leaving and another arriving during it
        // would both count. A ticket In Progress in two reads in a row (tickets here never come back to In
        // Progress) was In Progress for the whole time between them, so these were all In Progress at one instant.
        const first = await inProgress();
        const second = await inProgress();
        peak = Math.max(peak, [...first].filter((k) => second.has(k)).length);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    pipeline.startAll();

    await waitFor(
      'the first sessions started',
      async () => (await pipeline.events.read()).filter((e) => e.type === 'session.started').length >= SLOTS,
      60_000,
      100,
    );
    // A human, while both wait at the back of the queue: the last ticket is now urgent, the one before it not for tonight.
    await pipeline.board.edit(raised, { priority: 1 });
    await pipeline.board.moveTo(pulled, 'Backlog');
    const editedAt = (await pipeline.events.read()).length;

    await waitFor(
      `${TICKETS - 1} PRs`,
      async () => (await pipeline.forge.listPrs()).length === TICKETS - 1,
      150_000,
      250,
    );
    const events = await pipeline.events.read();
    const routedAfter = events
      .slice(editedAt)
      .filter((e) => e.type === 'ticket.routed')
      .map((e) => e.ticket);
    // A round that listed the board just before the edit may still send one ticket; the urgent one is next.
    expect(routedAfter.slice(0, 2)).toContain(raised);
    expect(touched(events, pulled)).toEqual([]);
    expect((await pipeline.board.getTicket(pulled))!.state).toBe('Backlog');

    // Put back in the queue, it runs too: one PR per ticket.
    await pipeline.board.moveTo(pulled, 'Agent Queue');
    await waitFor('40 PRs', async () => (await pipeline.forge.listPrs()).length === TICKETS, 60_000, 250);
    watching = false;
    await watcher;

    const prs = await pipeline.forge.listPrs();
    expect(new Set(prs.map((p) => p.tickets[0])).size).toBe(TICKETS);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(SLOTS * BATCH);
    const all = await pipeline.events.read();
    // The same bound from the stream of every move Nightshift made, in order.
    expect(peakInProgress(all)).toBeLessThanOrEqual(SLOTS * BATCH);
    expect(all.filter((e) => e.type === 'ticket.requeued')).toEqual([]);
  }, 300_000);

  it('a runner that registers after the scan takes the waiting ticket at once, not at the next scan', async () => {
    pipeline = await Pipeline.start({ repos: ['alpha'], config: { tracker: { kind: 'local', scanIntervalSec: 120 } } });
    const { key } = await pipeline.board.add({ title: '[alpha] waits for a host' });
    for (const name of ['worktree-manager', 'router', 'ticket-scanner'] as const) pipeline.spawn(name);
    await waitFor(
      'the scan offered it and the router left it waiting (no host yet)',
      async () => Boolean(await pipeline.redis.hget('nightshift:dispatch-waiting', key)),
      60_000,
      100,
    );
    const joined = Date.now();
    pipeline.spawn('session-runner');
    await waitFor(
      'its PR and In Review',
      async () =>
        (await pipeline.forge.listPrs()).length === 1 && (await pipeline.board.getTicket(key))!.state === 'In Review',
      60_000,
      200,
    );
    // Far sooner than the next scan (120 s after the first).
    expect(Date.now() - joined).toBeLessThan(60_000);
  }, 150_000);
});

function touched(events: StoredEvent[], ticket: string): StoredEvent[] {
  return events.filter((e) => e.ticket === ticket && ['ticket.claimed', 'session.started'].includes(e.type));
}

function peakInProgress(events: StoredEvent[]): number {
  const now = new Set<string>();
  let peak = 0;
  for (const e of events) {
    if (e.type !== 'ticket.moved' || !e.ticket) continue;
    if ((e.detail as { to?: string } | undefined)?.to === 'In Progress') now.add(e.ticket);
    else now.delete(e.ticket);
    peak = Math.max(peak, now.size);
  }
  return peak;
}
