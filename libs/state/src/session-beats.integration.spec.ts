import { useTestRedis } from '@nightshift/testing-fakes';
import type { Redis } from 'ioredis';

import { beatSessions, Claims, KEY, type LiveSession, sessionKey, SessionRegistry } from './index';

const testRedis = useTestRedis();
let redis: Redis;
beforeAll(() => (redis = testRedis.redis));

const session = (runId: string, tickets: string[]): LiveSession => ({
  runId,
  execution: 1,
  host: 'h1',
  runnerPid: 1,
  tickets,
  heartbeatAt: 'then',
});

describe('beatSessions', () => {
  it('beats many sessions in one call: entries rewritten, claims renewed, each loss named and never undone', async () => {
    const registry = new SessionRegistry(redis);
    const claims = new Claims(redis);
    const kept = session('run-a', ['A-1', 'A-2']);
    const fenced = session('run-b', ['B-1']);
    const taken = session('run-c', ['C-1', 'C-2', 'C-3']);
    for (const s of [kept, fenced, taken]) {
      await registry.put(s);
      for (const t of s.tickets) await claims.claim(t, s.runId, 1000);
    }
    await registry.remove(sessionKey(fenced)); // fenced by a newer execution
    await redis.set(KEY.claim('C-2'), 'run-other'); // reaped and taken by another run
    const beats = [kept, fenced, taken].map((s) => ({ session: { ...s, heartbeatAt: 'now' }, leaseMs: 60_000 }));

    expect(await beatSessions(redis, beats)).toEqual([
      { kind: 'kept' },
      { kind: 'entry-gone' },
      { kind: 'claim-lost', ticket: 'C-2' },
    ]);

    const entries = Object.fromEntries((await registry.list()).map((s) => [s.runId, s.heartbeatAt]));
    expect(entries).toEqual({ 'run-a': 'now', 'run-c': 'now' }); // the fenced entry is not re-created
    for (const t of ['A-1', 'A-2', 'C-1']) expect(await redis.pttl(KEY.claim(t))).toBeGreaterThan(1000);
    expect(await redis.get(KEY.claim('C-2'))).toBe('run-other');
    expect(await redis.pttl(KEY.claim('C-3'))).toBeLessThanOrEqual(1000); // not renewed past the first loss, as one beat of its own
  });

  it('sends nothing for no sessions', async () => {
    expect(await beatSessions(redis, [])).toEqual([]);
  });
});
