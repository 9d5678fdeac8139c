import { Pipeline, waitFor } from './harness';

describe('dispatch order', () => {
  let pipeline: Pipeline;
  afterEach(() => pipeline?.stop());

  it('with one slot, an urgent ticket added after ten low ones runs next', async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: { hosts: [{ name: 'linux-1', capabilities: ['linux'], slots: 1 }] },
    });
    const low: string[] = [];
    for (let i = 0; i < 10; i++)
      low.push(
        (await pipeline.board.add({ title: `[alpha] low ${i}`, description: 'fake-agent: slow=1500', priority: 4 }))
          .key,
      );
    pipeline.startAll();
    await waitFor(
      'the first low ticket started',
      async () => (await pipeline.events.read()).some((e) => e.type === 'session.started'),
      120_000,
      100,
    );
    // Back-pressure: the other low tickets wait in the queue state, not In Progress.
    expect((await pipeline.board.list()).filter((t) => t.state === 'In Progress').length).toBeLessThanOrEqual(1);
    const urgent = (await pipeline.board.add({ title: '[alpha] prod is down', priority: 1 })).key;
    const addedAt = (await pipeline.events.read()).length;
    await waitFor(
      'the urgent ticket In Review',
      async () => (await pipeline.board.getTicket(urgent))?.state === 'In Review',
      120_000,
      100,
    );

    const startedAfter = (await pipeline.events.read())
      .slice(addedAt)
      .filter((e) => e.type === 'session.started')
      .map((e) => e.ticket);
    // The low session that was about to start when the urgent one arrived may come first; no other.
    expect(startedAfter.slice(0, 2)).toContain(urgent);
  });

  it('a blocked ticket waits until its blocker is Done, then runs', async () => {
    pipeline = await Pipeline.start({ repos: ['alpha'] });
    const blocker = (await pipeline.board.add({ title: '[alpha] add the column' })).key;
    const blocked = (await pipeline.board.add({ title: '[alpha] use the column', blockedBy: [blocker], priority: 1 }))
      .key;
    pipeline.startAll();
    await waitFor(
      'the blocker In Review',
      async () => (await pipeline.board.getTicket(blocker))?.state === 'In Review',
      120_000,
      100,
    );
    // A ticket added now is scanned and run after the blocker left the queue: the blocked one was passed over meanwhile.
    const later = (await pipeline.board.add({ title: '[alpha] unrelated' })).key;
    await waitFor(
      'the later ticket In Review',
      async () => (await pipeline.board.getTicket(later))?.state === 'In Review',
      120_000,
      100,
    );
    expect((await pipeline.board.getTicket(blocked))!.state).toBe('Agent Queue');
    expect((await pipeline.events.read()).some((e) => e.type === 'session.started' && e.ticket === blocked)).toBe(
      false,
    );

    await pipeline.board.moveTo(blocker, 'Done');
    await waitFor(
      'the blocked ticket In Review',
      async () => (await pipeline.board.getTicket(blocked))?.state === 'In Review',
      120_000,
      100,
    );
    expect((await pipeline.forge.listPrs()).map((p) => p.tickets[0]).sort()).toEqual([blocker, blocked, later].sort());
  });
});
