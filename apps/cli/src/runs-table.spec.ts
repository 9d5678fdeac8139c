import type { RunRecord } from '@nightshift/contracts';

import { filterRuns, runsTable, sinceMs, totalsLine, totalsTable } from './runs-table';

const run = (over: Partial<RunRecord>): RunRecord => ({
  runId: 'NS-1.1',
  tickets: ['NS-1'],
  repo: 'api',
  host: 'linux-1',
  model: 'sonnet',
  attempt: 1,
  startedAt: '2026-12-06T23:00:00.000Z',
  outcome: 'success',
  durationMs: 65_000,
  costUsd: 0.5,
  usage: { input: 10, output: 20, cacheWrite: 0, cacheRead: 70 },
  ...over,
});

describe('runs filters and totals', () => {
  const now = Date.parse('2026-12-07T06:00:00.000Z');
  const runs = [
    run({}),
    run({
      runId: 'NS-2.1',
      tickets: ['NS-2', 'NS-3'],
      repo: 'web',
      startedAt: '2026-12-07T04:00:00.000Z',
      outcome: 'task_failed',
      costUsd: 0.25,
    }),
  ];

  it('filters by ticket (batch members included), repo and since (a duration back or a date)', () => {
    expect(filterRuns(runs, { ticket: 'NS-3' }).map((r) => r.runId)).toEqual(['NS-2.1']);
    expect(filterRuns(runs, { repo: 'api' }).map((r) => r.runId)).toEqual(['NS-1.1']);
    expect(filterRuns(runs, { since: '3h' }, now).map((r) => r.runId)).toEqual(['NS-2.1']);
    expect(filterRuns(runs, { since: '2026-12-06' }, now)).toHaveLength(2);
    expect(() => sinceMs('yesterday-ish', now)).toThrow(/--since yesterday-ish: neither a duration .* nor a date/);
  });

  it('totals per group and in one line', () => {
    expect(totalsLine(runs)).toBe('Total: 2 runs (1 succeeded), 2 min 10 s, 200 tokens, $0.7500');
    expect(totalsTable(runs, 'night').split('\n').slice(1)).toEqual([
      expect.stringMatching(/^2026-12-06\s+1\s+1\s+1 min 05 s\s+100\s+\$0\.5000$/),
      expect.stringMatching(/^2026-12-07\s+1\s+0\s+1 min 05 s\s+100\s+\$0\.2500$/),
    ]);
    expect(totalsTable(runs, 'ticket')).toMatch(/^NS-3\s+1\s+0\s/m);
  });

  it('shows the agent and the model of each run, and marks an estimated cost', () => {
    const table = runsTable([
      run({}),
      run({ runId: 'NS-4.1', agent: 'codex', model: 'gpt-5-codex', costUsd: 0.125, costEstimated: true }),
    ]);
    expect(table).toMatch(/HOST\s+AGENT\s+MODEL/);
    expect(table).toMatch(/linux-1\s+claude-code\s+sonnet\s/);
    expect(table).toMatch(/linux-1\s+codex\s+gpt-5-codex\s+.*~\$0\.1250/);
  });
});
