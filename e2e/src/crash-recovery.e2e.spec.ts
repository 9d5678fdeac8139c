import { Pipeline, quickRecoveryConfig, waitFor } from './harness';

/**
 * Crash paths the claim alone does not cover, each killed with SIGKILL at the exact point (NIGHTSHIFT_CRASH_AT):
 * a router right after moving a ticket to In Progress (the ticket would stay there forever), and a runner
 * right after pushing its branch (the rerun would find nothing new and judge `no_changes`).
 */
jest.setTimeout(240_000);

describe('crash recovery', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      // A short lease so the dead router's claim runs out within the test; strandedAfterSec is what is shown.
      config: quickRecoveryConfig({
        routing: { claimLeaseSec: 6, strandedAfterSec: 2 },
        reaper: { intervalSec: 1, graceSec: 1 },
      }),
    });
  });
  afterAll(() => pipeline?.stop());

  it('a router killed right after the In Progress move: the stranded ticket goes back to the queue and ends with one PR', async () => {
    pipeline.spawn('worktree-manager');
    pipeline.spawn('session-runner');
    pipeline.spawn('zombie-reaper');
    const doomed = pipeline.spawn('router', { NIGHTSHIFT_CRASH_AT: 'router.after-in-progress' });
    const key = (await pipeline.board.add({ title: '[alpha] survive a router crash' })).key;
    pipeline.spawn('ticket-scanner');

    expect(await doomed.exited).toMatchObject({ signal: 'SIGKILL' });
    expect((await pipeline.board.getTicket(key))?.state).toBe('In Progress');
    pipeline.spawn('router');

    const requeued = await waitFor(
      'the ticket.requeued event',
      async () => (await pipeline.events.read()).find((e) => e.type === 'ticket.requeued' && e.ticket === key),
      60_000,
      100,
    );
    expect(requeued.detail).toMatchObject({ from: 'In Progress', to: 'Agent Queue' });
    await waitFor(
      'the ticket In Review',
      async () => (await pipeline.board.getTicket(key))?.state === 'In Review',
      90_000,
      100,
    );

    expect((await pipeline.forge.listPrs()).filter((p) => p.tickets.includes(key))).toHaveLength(1);
    expect(await pipeline.counters.attemptsSpent(key)).toBe(0);
    const comments = (await pipeline.board.getTicket(key))!.comments.filter((c) =>
      c.body.includes('back in the queue'),
    );
    expect(comments).toHaveLength(1);
    expect((await pipeline.events.read()).filter((e) => e.type === 'ticket.requeued' && e.ticket === key)).toHaveLength(
      1,
    );
  });

  it('a runner killed right after pushing: the rerun finds the work on the branch and opens the one PR, no no_changes', async () => {
    for (const runner of pipeline.services.filter((s) => s.name === 'session-runner')) await runner.stop();
    const doomed = pipeline.spawn('session-runner', { NIGHTSHIFT_CRASH_AT: 'session-runner.after-push' });
    const key = (await pipeline.board.add({ title: '[alpha] survive a crash after push' })).key;
    expect(await doomed.exited).toMatchObject({ signal: 'SIGKILL' });
    expect(await pipeline.forge.listPrs()).not.toContainEqual(expect.objectContaining({ tickets: [key] }));

    pipeline.spawn('session-runner');
    await waitFor(
      'the ticket In Review',
      async () => (await pipeline.board.getTicket(key))?.state === 'In Review',
      60_000,
      100,
    );

    expect((await pipeline.forge.listPrs()).filter((p) => p.tickets.includes(key))).toHaveLength(1);
    expect(await pipeline.counters.attemptsSpent(key)).toBe(0);
    const outcomes = (await pipeline.runs.list()).filter((r) => r.tickets.includes(key)).map((r) => r.outcome);
    expect(outcomes).toContain('success');
    expect(outcomes).not.toContain('no_changes');
  });
});
