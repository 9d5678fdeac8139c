import { Pipeline, waitFor } from './harness';

describe('budgets', () => {
  let pipeline: Pipeline;
  afterEach(() => pipeline?.stop());

  it('a ticket over its budget gets no new session and a pause event with the reason; other tickets go on', async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: { budgets: { perTicketUsd: 0.2, perSessionUsd: 2.5 }, routing: { maxAttempts: 3, retryDelaySec: 1 } },
    });
    // A failing ticket would normally be retried (3 attempts); its first run already spends its budget
    // (the fake agent's cost grows with the prompt: ~$0.7 for this one, ~$0.03 for a short ticket).
    const costly = (
      await pipeline.board.add({ title: '[alpha] costly', description: `fake-agent: fail\n${'context '.repeat(5000)}` })
    ).key;
    pipeline.startAll();
    const paused = await waitFor(
      'the ticket paused by its budget',
      async () =>
        (await pipeline.events.read()).find(
          (e) => e.type === 'pause.started' && e.detail?.['scope'] === `ticket ${costly}`,
        ),
      120_000,
      100,
    );
    expect(paused.detail?.['reason']).toMatch(
      new RegExp(`^budget: ticket ${costly} spent \\$\\d+\\.\\d{2} of its \\$0\\.20 cap$`),
    );
    expect(paused.detail?.['until']).toBe('manual');

    // Tickets added after the pause run to In Review while the costly one, back in the queue, is passed over.
    const other = (await pipeline.board.add({ title: '[alpha] cheap enough' })).key;
    await waitFor(
      'the other ticket In Review',
      async () => (await pipeline.board.getTicket(other))?.state === 'In Review',
      120_000,
      100,
    );
    const another = (await pipeline.board.add({ title: '[alpha] and another' })).key;
    await waitFor(
      'another ticket In Review',
      async () => (await pipeline.board.getTicket(another))?.state === 'In Review',
      120_000,
      100,
    );
    expect((await pipeline.board.getTicket(costly))!.state).toBe('Agent Queue');
    const started = (await pipeline.events.read()).filter((e) => e.type === 'session.started').map((e) => e.ticket);
    expect(started.filter((t) => t === costly)).toHaveLength(1);
    // The cheap tickets stayed under their caps: only the costly one is paused.
    expect(
      (await pipeline.events.read()).filter((e) => e.type === 'pause.started').map((e) => e.detail?.['scope']),
    ).toEqual([`ticket ${costly}`]);
    const costs = await pipeline.runs.list();
    expect(costs.find((r) => r.tickets.includes(costly))!.costUsd).toBeGreaterThan(0.2);
    // A per-session cap reaches the CLI.
    for (const launch of pipeline.agentLaunches()) expect(launch.argv.join(' ')).toContain('--max-budget-usd 2.5');
  });
});
