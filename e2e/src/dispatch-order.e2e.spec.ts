import { Pipeline, waitFor } from './harness';

describe('dispatch order', () => {
  let pipeline: Pipeline;
  afterEach(() => pipeline?.stop());

  it('with one slot, an urgent ticket added after ten low ones runs next', async () => {
    pipeline = await Pipeline.start({ repos: ['alpha'], config: { hosts: [{ name: 'linux-1', capabilities: ['linux'], slots: 1 }] } });
    const low: string[] = [];
    // Slow enough that most low tickets still wait in the session queue when the urgent one arrives.
    for (let i = 0; i < 10; i++) low.push((await pipeline.board.add({ title: `[alpha] low ${i}`, description: 'fake-agent: slow=1500', priority: 4 })).key);
    pipeline.startAll();
    await waitFor('the ten low tickets dispatched', async () => (await pipeline.board.list()).filter((t) => t.state === 'In Progress').length === 10, 120_000, 100);
    const urgent = (await pipeline.board.add({ title: '[alpha] prod is down', priority: 1 })).key;
    await waitFor('the urgent ticket In Review', async () => (await pipeline.board.getTicket(urgent))?.state === 'In Review', 120_000, 100);

    const events = await pipeline.events.read();
    const routedAt = events.findIndex((e) => e.type === 'ticket.routed' && e.ticket === urgent);
    const startedAfter = events.slice(routedAt).filter((e) => e.type === 'session.started').map((e) => e.ticket);
    // The low session already running then (its start may be logged just after the urgent one was routed) may come first; no other.
    expect(startedAfter.slice(0, 2)).toContain(urgent);
    const lowStartedBefore = events.slice(0, routedAt).filter((e) => e.type === 'session.started').length;
    expect(lowStartedBefore).toBeLessThan(9);
    const urgentStart = events.findIndex((e) => e.type === 'session.started' && e.ticket === urgent);
    expect(events.slice(0, urgentStart).filter((e) => e.type === 'session.started').length).toBeLessThanOrEqual(lowStartedBefore + 1);
  });

  it('a blocked ticket waits until its blocker is Done, then runs', async () => {
    pipeline = await Pipeline.start({ repos: ['alpha'] });
    const blocker = (await pipeline.board.add({ title: '[alpha] add the column' })).key;
    const blocked = (await pipeline.board.add({ title: '[alpha] use the column', blockedBy: [blocker], priority: 1 })).key;
    pipeline.startAll();
    await waitFor('the blocker In Review', async () => (await pipeline.board.getTicket(blocker))?.state === 'In Review', 120_000, 100);
    // A ticket added now is scanned and run after the blocker left the queue: the blocked one was passed over meanwhile.
    const later = (await pipeline.board.add({ title: '[alpha] unrelated' })).key;
    await waitFor('the later ticket In Review', async () => (await pipeline.board.getTicket(later))?.state === 'In Review', 120_000, 100);
    expect((await pipeline.board.getTicket(blocked))!.state).toBe('Agent Queue');
    expect((await pipeline.events.read()).some((e) => e.type === 'session.started' && e.ticket === blocked)).toBe(false);

    await pipeline.board.moveTo(blocker, 'Done');
    await waitFor('the blocked ticket In Review', async () => (await pipeline.board.getTicket(blocked))?.state === 'In Review', 120_000, 100);
    expect((await pipeline.forge.listPrs()).map((p) => p.tickets[0]).sort()).toEqual([blocker, blocked, later].sort());
  });
});
