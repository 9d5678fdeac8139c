import { useTestRedis } from '@nightshift/testing-fakes';
import type { Redis } from 'ioredis';

import { Claims, EventLog, PauseStore, RunStore, TicketCounters } from './index';

const testRedis = useTestRedis();
let redis: Redis;
beforeAll(() => (redis = testRedis.redis));

describe('Claims', () => {
  it('lets exactly one of many racing runs claim a ticket', async () => {
    const claims = new Claims(redis);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => claims.claim('T-1', `run-${i}`, 10_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const owner = `run-${results.indexOf(true)}`;
    expect(await claims.holder('T-1')).toBe(owner);
  });

  it("lets the owner re-claim (a retried job) but never release another run's claim", async () => {
    const claims = new Claims(redis);
    expect(await claims.claim('T-1', 'a', 10_000)).toBe(true);
    expect(await claims.claim('T-1', 'a', 10_000)).toBe(true);
    expect(await claims.release('T-1', 'b')).toBe(false);
    expect(await claims.holder('T-1')).toBe('a');
    expect(await claims.release('T-1', 'a')).toBe(true);
    expect(await claims.claim('T-1', 'b', 10_000)).toBe(true);
  });

  it('expires with its lease', async () => {
    const claims = new Claims(redis);
    await claims.claim('T-1', 'a', 50);
    await new Promise((r) => setTimeout(r, 120));
    expect(await claims.holder('T-1')).toBeNull();
  });
});

describe('TicketCounters', () => {
  it('counts attempts and launches and says "once" only once', async () => {
    const counters = new TicketCounters(redis);
    expect(await counters.attemptsSpent('T')).toBe(0);
    await counters.spendAttempt('T');
    expect(await counters.attemptsSpent('T')).toBe(1);
    expect([await counters.nextLaunch('T'), await counters.nextLaunch('T')]).toEqual([1, 2]);
    const onces = await Promise.all([counters.once('x'), counters.once('x'), counters.once('x')]);
    expect(onces.filter(Boolean)).toHaveLength(1);
  });
});

describe('EventLog and RunStore', () => {
  it('reads events back in order after an id', async () => {
    const log = new EventLog(redis);
    const first = await log.append({ type: 'ticket.claimed', ticket: 'T-1' });
    await log.append({ type: 'session.started', ticket: 'T-1', run: 'T-1.1' });
    const after = await log.read(first);
    expect(after.map((e) => e.type)).toEqual(['session.started']);
    expect((await log.read()).map((e) => e.type)).toEqual(['ticket.claimed', 'session.started']);
  });

  it('lists runs oldest first', async () => {
    const runs = new RunStore(redis);
    await runs.save({
      runId: 'b',
      tickets: ['T'],
      repo: 'r',
      host: 'h',
      model: 'm',
      attempt: 1,
      startedAt: '2026-01-02T00:00:00Z',
    });
    await runs.save({
      runId: 'a',
      tickets: ['T'],
      repo: 'r',
      host: 'h',
      model: 'm',
      attempt: 1,
      startedAt: '2026-01-01T00:00:00Z',
    });
    expect((await runs.list()).map((r) => r.runId)).toEqual(['a', 'b']);
  });

  it("finds one ticket's runs and a recent window without reading the rest", async () => {
    const runs = new RunStore(redis);
    const run = (runId: string, startedAt: string, execution?: number) => ({
      runId,
      execution,
      tickets: [runId.split('.')[0]!],
      repo: 'r',
      host: 'h',
      model: 'm',
      attempt: 1,
      startedAt,
    });
    await runs.save(run('NS-1.1', '2026-01-01T00:00:00Z'));
    await runs.save(run('NS-1.1', '2026-01-01T00:01:00Z', 2));
    await runs.save(run('NS-10.1', '2026-01-01T00:02:00Z'));
    await runs.save(run('NS-1.2', '2026-01-01T00:03:00Z'));
    expect((await runs.ledBy('NS-1')).map((r) => `${r.runId}~${r.execution ?? 1}`)).toEqual([
      'NS-1.1~1',
      'NS-1.1~2',
      'NS-1.2~1',
    ]);
    expect((await runs.ledBy('NS-[1]')).length).toBe(0);
    expect((await runs.since(Date.parse('2026-01-01T00:02:00Z'))).map((r) => r.runId)).toEqual(['NS-10.1', 'NS-1.2']);
  });
});

describe('PauseStore', () => {
  it('pauses until an instant, extends to the later one, and expires once', async () => {
    const pauses = new PauseStore(redis);
    const scope = { kind: 'account' as const, account: 'main' };
    const now = new Date('2026-01-01T00:00:00Z');
    expect(
      await pauses.pause({ scope, until: '2026-01-01T01:00:00Z', reason: 'rate limited', by: 'runner' }, now),
    ).toBe(true);
    expect(await pauses.pause({ scope, until: '2026-01-01T00:30:00Z', reason: 'again', by: 'runner' }, now)).toBe(
      false,
    );
    expect((await pauses.get(scope, now))?.until).toBe('2026-01-01T01:00:00Z');
    expect(await pauses.get(scope, new Date('2026-01-01T01:00:01Z'))).toBeNull();
    const later = new Date('2026-01-01T02:00:00Z');
    const [a, b] = await Promise.all([pauses.expire(later), pauses.expire(later)]);
    expect(a.length + b.length).toBe(1);
    expect(await pauses.active(later)).toEqual([]);
  });

  it('keeps a manual pause until resumed', async () => {
    const pauses = new PauseStore(redis);
    await pauses.pause({ scope: { kind: 'intake' }, until: null, reason: 'maintenance', by: 'human' });
    expect(await pauses.expire(new Date('2100-01-01T00:00:00Z'))).toEqual([]);
    expect((await pauses.resume({ kind: 'intake' }))?.reason).toBe('maintenance');
    expect(await pauses.active()).toEqual([]);
  });
});

describe('PauseStore under a storm', () => {
  it('announces a pause once when many sessions hit the limit at the same moment', async () => {
    const pauses = new PauseStore(redis);
    const scope = { kind: 'account' as const, account: 'main' };
    const fresh = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        pauses.pause({
          scope,
          until: new Date(Date.now() + 60_000 + i).toISOString(),
          reason: 'rate limited',
          by: `runner-${i}`,
        }),
      ),
    );
    expect(fresh.filter(Boolean)).toHaveLength(1);
    expect(Date.parse((await pauses.get(scope))!.until!)).toBeGreaterThan(Date.now() + 59_000);
  });

  it('replaces an expired pause with a new one, announced again', async () => {
    const pauses = new PauseStore(redis);
    const scope = { kind: 'intake' as const };
    await pauses.pause({ scope, until: new Date(Date.now() - 1000).toISOString(), reason: 'old', by: 't' });
    expect(
      await pauses.pause({ scope, until: new Date(Date.now() + 60_000).toISOString(), reason: 'new', by: 't' }),
    ).toBe(true);
    expect((await pauses.get(scope))!.reason).toBe('new');
  });
});

describe('RunStore executions', () => {
  it('keeps one record per execution of the same run', async () => {
    const runs = new RunStore(redis);
    const base = { runId: 'T-1.1', tickets: ['T-1'], repo: 'r', host: 'h', model: 'm', attempt: 1 };
    await runs.save({ ...base, execution: 1, startedAt: '2026-01-01T00:00:00Z', outcome: 'rate_limited' });
    await runs.save({ ...base, execution: 2, startedAt: '2026-01-01T01:00:00Z', outcome: 'success' });
    await runs.save({
      ...base,
      execution: 2,
      startedAt: '2026-01-01T01:00:00Z',
      outcome: 'success',
      prUrl: 'local://r/pull/1',
    });
    expect((await runs.list()).map((r) => [r.execution, r.outcome])).toEqual([
      [1, 'rate_limited'],
      [2, 'success'],
    ]);
    expect((await runs.get('T-1.1~2'))?.prUrl).toBe('local://r/pull/1');
  });
});
