import type { RunRecord } from '@nightshift/contracts';
import { useTestRedis } from '@nightshift/testing-fakes';
import type { Redis } from 'ioredis';

import { Claims, RunStore, RunTotalsReader, TrackerPolls } from './index';

const testRedis = useTestRedis();
let redis: Redis;
beforeAll(() => (redis = testRedis.redis));

const T0 = Date.parse('2026-11-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function run(id: string, startMs: number, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    runId: id,
    tickets: [id.split('.')[0]!],
    repo: 'api',
    host: 'h1',
    model: 'sonnet',
    attempt: 1,
    account: 'a',
    startedAt: iso(startMs),
    ...extra,
  };
}
const done = (startMs: number, outcome: RunRecord['outcome'], costUsd = 0.5): Partial<RunRecord> => ({
  outcome,
  finishedAt: iso(startMs + 1000),
  costUsd,
  usage: { input: 10, output: 5, cacheWrite: 0, cacheRead: 1 },
});

describe('RunTotalsReader', () => {
  it('totals finished runs exactly by outcome, model, repo and account, ignoring unfinished ones', async () => {
    const store = new RunStore(redis);
    await store.save(run('T-1.1', T0, done(T0, 'success')));
    await store.save(run('T-2.1', T0 + 1, done(T0 + 1, 'rate_limited', 0)));
    await store.save(run('T-3.1', T0 + 2, { ...done(T0 + 2, 'success', 0.25), model: 'opus', account: 'b' }));
    await store.save(run('T-4.1', T0 + 3));
    await store.save(run('T-5.1', T0 + 4, { ...done(T0 + 4, 'success', 0.125), model: 'gpt-5-codex', agent: 'codex' }));
    const totals = await new RunTotalsReader(redis).read(T0 + 10_000);
    expect(Object.fromEntries(totals.runs)).toEqual({
      'success|sonnet|api': 1,
      'rate_limited|sonnet|api': 1,
      'success|opus|api': 1,
      'success|gpt-5-codex|api': 1,
    });
    // Cost per agent CLI, i.e. per vendor.
    expect(totals.costUsd.get('gpt-5-codex|api|a|codex')).toBe(0.125);
    expect(totals.costUsd.get('sonnet|api|a|claude-code')).toBe(0.5);
    expect(totals.costUsd.get('opus|api|b|claude-code')).toBe(0.25);
    expect(totals.tokens.get('input|sonnet|api|a')).toBe(20);
  });

  it('counts a settled run once across reads, follows a record rewritten before it settles, and matches a fresh reader', async () => {
    const store = new RunStore(redis);
    const reader = new RunTotalsReader(redis);
    await store.save(run('T-1.1', T0, done(T0, 'success')));
    await store.save(run('T-2.1', T0 + 5, done(T0 + 5, 'success')));
    // Long after: both settle into the running sums.
    expect((await reader.read(T0 + 3_600_000)).runs.get('success|sonnet|api')).toBe(2);
    await store.save(run('T-3.1', T0 + 7_200_000, done(T0 + 7_200_000, 'success')));
    const now = T0 + 7_200_000 + 2000;
    expect((await reader.read(now)).runs.get('success|sonnet|api')).toBe(3);
    // The last run is rewritten right after (its PR push failed): the totals follow the final record.
    await store.save(run('T-3.1', T0 + 7_200_000, done(T0 + 7_200_000, 'infra_error')));
    const later = await reader.read(now + 1000);
    expect(later.runs.get('success|sonnet|api')).toBe(2);
    expect(later.runs.get('infra_error|sonnet|api')).toBe(1);
    expect(await reader.read(now + 3_600_000)).toEqual(await new RunTotalsReader(redis).read(now + 3_600_000));
  });
});

describe('TrackerPolls and Claims.list', () => {
  it('keeps the last successful poll per tracker', async () => {
    const polls = new TrackerPolls(redis);
    await polls.recordSuccess('linear', new Date(T0));
    await polls.recordSuccess('linear', new Date(T0 + 5000));
    await polls.recordSuccess('local', new Date(T0 + 1));
    expect(await polls.lastSuccess()).toEqual({ linear: T0 + 5000, local: T0 + 1 });
  });

  it('lists every live claim with its owner', async () => {
    const claims = new Claims(redis);
    await claims.claim('NS-1', 'NS-1.1', 10_000);
    await claims.claim('NS-2', 'NS-2.3', 10_000);
    expect((await claims.list()).sort((a, b) => a.ticket.localeCompare(b.ticket))).toEqual([
      { ticket: 'NS-1', runId: 'NS-1.1', ttlMs: expect.any(Number) },
      { ticket: 'NS-2', runId: 'NS-2.3', ttlMs: expect.any(Number) },
    ]);
  });
});
