import { Pipeline, quickRecoveryConfig, waitFor } from './harness';

/**
 * The two causes of the chaos run's broken invariants, each reproduced alone:
 * - a session job delivered again after its run already moved the ticket to a terminal state (its runner died
 *   after the move, before BullMQ heard the job finish) ran the agent again and gave the ticket a second outcome;
 * - an execution superseded by a newer one of the same job (its runner froze past the job lock, the job went to
 *   another runner, which fenced the old agent) still accounted its killed agent: it moved the ticket back to the
 *   queue under the live execution and removed the worktree that execution was working in, whose agent then
 *   failed and spent attempts;
 * - and the window the first fix made visible: a runner killed between a ticket's move and its event left the
 *   stream without that ticket's outcome.
 */
jest.setTimeout(180_000);

const TERMINAL = new Set(['In Review', 'Needs Human']);

describe('stale and superseded session executions', () => {
  let pipeline: Pipeline;
  beforeEach(async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: quickRecoveryConfig({ reaper: { intervalSec: 1, graceSec: 1 } }),
    });
  });
  afterEach(() => pipeline?.stop());

  const movesOf = async (key: string) =>
    (await pipeline.events.read())
      .filter((e) => e.type === 'ticket.moved' && e.ticket === key)
      .map((e) => String(e.detail?.['to']));

  it('a job delivered again after its ticket reached In Review does nothing: one agent launch, one terminal outcome', async () => {
    pipeline.spawn('worktree-manager');
    pipeline.spawn('router');
    pipeline.spawn('ticket-scanner');
    const doomed = pipeline.spawn('session-runner', { NIGHTSHIFT_CRASH_AT: 'session-runner.after-outcome' });
    const key = (await pipeline.board.add({ title: '[alpha] finish once', description: 'fake-agent: succeed' })).key;
    expect(await doomed.exited).toMatchObject({ signal: 'SIGKILL' });
    expect((await pipeline.board.getTicket(key))?.state).toBe('In Review');

    pipeline.spawn('session-runner');
    const superseded = await waitFor(
      'the redelivered job to be judged stale',
      async () => (await pipeline.events.read()).find((e) => e.type === 'session.superseded' && e.ticket === key),
      60_000,
      100,
    );
    expect(String(superseded.detail?.['reason'])).toContain('stale delivery');
    await waitFor(
      'the stale run to release its claim',
      async () => (await pipeline.redis.get(`nightshift:claim:${key}`)) === null,
      30_000,
      100,
    );

    expect(pipeline.agentLaunches().filter((l) => l.cwd.includes(key))).toHaveLength(1);
    expect((await movesOf(key)).filter((to) => TERMINAL.has(to))).toEqual(['In Review']);
    expect((await pipeline.board.getTicket(key))?.state).toBe('In Review');
    expect(await pipeline.counters.attemptsSpent(key)).toBe(0);
    expect((await pipeline.forge.listPrs()).filter((p) => p.tickets.includes(key))).toHaveLength(1);
  });

  it('a runner killed between the In Review move and its event: the redelivery records the move once, late', async () => {
    pipeline.spawn('worktree-manager');
    pipeline.spawn('router');
    pipeline.spawn('ticket-scanner');
    const doomed = pipeline.spawn('session-runner', { NIGHTSHIFT_CRASH_AT: 'session-runner.after-move' });
    const key = (await pipeline.board.add({ title: '[alpha] move, then die', description: 'fake-agent: succeed' })).key;
    expect(await doomed.exited).toMatchObject({ signal: 'SIGKILL' });
    expect((await pipeline.board.getTicket(key))?.state).toBe('In Review');
    expect((await movesOf(key)).filter((to) => TERMINAL.has(to))).toEqual([]);

    pipeline.spawn('session-runner');
    await waitFor(
      'the redelivered job to be judged stale',
      async () => (await pipeline.events.read()).find((e) => e.type === 'session.superseded' && e.ticket === key),
      60_000,
      100,
    );
    const terminal = (await pipeline.events.read()).filter(
      (e) => e.type === 'ticket.moved' && e.ticket === key && TERMINAL.has(String(e.detail?.['to'])),
    );
    expect(terminal.map((e) => e.detail)).toEqual([{ to: 'In Review', late: true }]);
    expect(pipeline.agentLaunches().filter((l) => l.cwd.includes(key))).toHaveLength(1);
    expect(await pipeline.counters.attemptsSpent(key)).toBe(0);
  });

  it('an execution superseded while its runner was frozen accounts nothing: no move back to the queue, no attempt, its successor finishes', async () => {
    pipeline.spawn('worktree-manager');
    pipeline.spawn('router');
    pipeline.spawn('ticket-scanner');
    const frozen = pipeline.spawn('session-runner');
    const key = (
      await pipeline.board.add({ title: '[alpha] outlive a frozen runner', description: 'fake-agent: slow=12000' })
    ).key;
    await waitFor(
      'the first execution to start its agent',
      async () => pipeline.agentLaunches().some((l) => l.cwd.includes(key)),
      60_000,
      100,
    );

    // Frozen past the job lock: BullMQ hands the job to the second runner, whose fence kills the first agent.
    frozen.child.kill('SIGSTOP');
    pipeline.spawn('session-runner');
    try {
      await waitFor(
        'the second execution to fence the first',
        async () =>
          (await pipeline.events.read()).find(
            (e) => e.type === 'session.reaped' && e.run === `${key}.1` && e.detail?.['reason'] === 'fenced',
          ),
        60_000,
        100,
      );
    } finally {
      frozen.child.kill('SIGCONT');
    }
    const superseded = await waitFor(
      'the first execution to stand down',
      async () => (await pipeline.events.read()).find((e) => e.type === 'session.superseded' && e.ticket === key),
      60_000,
      100,
    );
    expect(superseded.detail).toMatchObject({ execution: 1 });
    await waitFor(
      'the ticket In Review',
      async () => (await pipeline.board.getTicket(key))?.state === 'In Review',
      90_000,
      100,
    );

    expect(await movesOf(key)).toEqual(['In Progress', 'In Review']);
    expect(await pipeline.counters.attemptsSpent(key)).toBe(0);
    expect((await pipeline.forge.listPrs()).filter((p) => p.tickets.includes(key))).toHaveLength(1);
    const outcomes = (await pipeline.runs.list()).filter((r) => r.tickets.includes(key)).map((r) => r.outcome);
    expect(outcomes).toContain('success');
    expect(outcomes.filter((o) => o !== 'success' && o !== 'infra_error')).toEqual([]);
  });
});
