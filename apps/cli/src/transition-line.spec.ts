import { transitionLine } from './transition-line';

describe('transitionLine', () => {
  const at = '2026-12-07T03:14:15.000Z';

  it('says a move, an outcome and a PR in words, with where it happened', () => {
    expect(
      transitionLine({
        type: 'ticket.moved',
        at,
        ticket: 'NS-4',
        repo: 'api',
        run: 'NS-4.1',
        detail: { from: 'In Progress', to: 'Needs Human' },
      }),
    ).toBe('03:14:15  NS-4     In Progress → Needs Human  [api run NS-4.1]');
    expect(
      transitionLine({
        type: 'session.outcome',
        at,
        ticket: 'NS-4',
        host: 'linux-1',
        detail: { outcome: 'task_failed', reason: 'tests fail' },
      }),
    ).toBe('03:14:15  NS-4     agent ended: task_failed (tests fail)  [@linux-1]');
  });

  it('shows any other event as its type and facts, with control characters escaped', () => {
    expect(transitionLine({ type: 'worktree.ready', at, ticket: 'NS-5', detail: { path: '/w/\u001b[2Jx' } })).toBe(
      '03:14:15  NS-5     worktree.ready path=/w/\\e[2Jx',
    );
  });
});
