import { budgetsReached, type RunSpend } from './budget';

const now = new Date('2026-12-01T15:00:00Z');
const run = (extra: Partial<RunSpend>): RunSpend => ({
  tickets: ['NS-1'],
  repo: 'api',
  account: 'a',
  startedAt: '2026-12-01T10:00:00Z',
  costUsd: 1,
  ...extra,
});

describe('budgetsReached', () => {
  it('reports a ticket cap reached by all its runs, with no reset', () => {
    const hits = budgetsReached(
      { perTicketUsd: 2 },
      [run({ startedAt: '2026-11-20T10:00:00Z' }), run({ costUsd: 1.5 }), run({ tickets: ['NS-2'], costUsd: 9 })],
      { tickets: ['NS-1'], repo: 'api' },
      now,
    );
    expect(hits).toEqual([
      {
        scope: { kind: 'ticket', ticket: 'NS-1' },
        spentUsd: 2.5,
        capUsd: 2,
        until: null,
        reason: 'budget: ticket NS-1 spent $2.50 of its $2.00 cap',
      },
    ]);
    expect(
      budgetsReached({ perTicketUsd: 2 }, [run({ costUsd: 1.5 })], { tickets: ['NS-1'], repo: 'api' }, now),
    ).toEqual([]);
  });

  it('counts daily caps from UTC midnight and resets them at the next one', () => {
    const runs = [
      run({ startedAt: '2026-11-30T23:59:00Z', costUsd: 50 }),
      run({ costUsd: 3 }),
      run({ repo: 'web', account: 'b', costUsd: 3 }),
    ];
    const hits = budgetsReached(
      { perRepoDailyUsd: 3, perAccountDailyUsd: 7 },
      runs,
      { tickets: ['NS-1'], repo: 'api', account: 'a' },
      now,
    );
    expect(hits).toEqual([
      expect.objectContaining({
        scope: { kind: 'repo', repo: 'api' },
        spentUsd: 3,
        until: new Date('2026-12-02T00:00:00Z'),
      }),
    ]);
    expect(budgetsReached({ perAccountDailyUsd: 3 }, runs, { tickets: [], repo: 'web', account: 'b' }, now)).toEqual([
      expect.objectContaining({ scope: { kind: 'account', account: 'b' } }),
    ]);
  });

  it('reaches nothing when no cap is set or runs have no cost', () => {
    expect(budgetsReached({}, [run({ costUsd: 1000 })], { tickets: ['NS-1'], repo: 'api', account: 'a' }, now)).toEqual(
      [],
    );
    expect(
      budgetsReached({ perTicketUsd: 0.01 }, [run({ costUsd: undefined })], { tickets: ['NS-1'], repo: 'api' }, now),
    ).toEqual([]);
  });
});
