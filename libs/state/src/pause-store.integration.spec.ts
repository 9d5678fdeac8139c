import { useTestRedis } from '@nightshift/testing-fakes';
import type { Redis } from 'ioredis';

import { PAUSE_RENEWAL_GAP_MS, PauseStore } from './index';

const testRedis = useTestRedis();
let redis: Redis;
beforeAll(() => (redis = testRedis.redis));

const MIN = 60_000;
const scope = { kind: 'account', account: 'team-a' } as const;
const at = (min: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + min * MIN);
/** An expired login: the pre-flight check pauses the account for 10 minutes at `min`. */
const authPause = (pauses: PauseStore, min: number) =>
  pauses.pause(
    { scope, cause: 'auth', until: at(min + 10).toISOString(), reason: 'pre-flight auth failed', by: 'linux-1' },
    at(min),
  );

describe('PauseStore: a renewed pause keeps its first start time', () => {
  it('carries `since` along a chain of 10-minute pauses, whether the end was swept or not, for 5 hours', async () => {
    const pauses = new PauseStore(redis);
    expect(await authPause(pauses, 0)).toBe(true);
    for (let min = 11; min < 300; min += 11) {
      // Every other link, the scanner has swept the ended pause (and announced it) before the renewal.
      if (min % 22 === 0) expect(await pauses.expire(at(min - 0.5))).toHaveLength(1);
      expect(await authPause(pauses, min)).toBe(true);
      expect((await pauses.get(scope, at(min)))?.since).toBe(at(0).toISOString());
    }
    const [live] = await pauses.active(at(290));
    expect(Date.parse('2026-01-01T00:00:00Z') + 290 * MIN - Date.parse(live!.since)).toBeGreaterThan(4 * 60 * MIN);
  });

  it('starts a new chain after a gap longer than the renewal gap, and after a human resume', async () => {
    const pauses = new PauseStore(redis);
    await authPause(pauses, 0);
    const late = 10 + PAUSE_RENEWAL_GAP_MS / MIN + 1;
    expect(await pauses.expire(at(late - 0.5))).toHaveLength(1);
    await authPause(pauses, late);
    expect((await pauses.get(scope, at(late)))?.since).toBe(at(late).toISOString());

    await pauses.resume(scope);
    await authPause(pauses, late + 1);
    expect((await pauses.get(scope, at(late + 1)))?.since).toBe(at(late + 1).toISOString());
  });

  it('records the cause, and forgets ended pauses once they can no longer start a chain', async () => {
    const pauses = new PauseStore(redis);
    await authPause(pauses, 0);
    expect((await pauses.get(scope, at(1)))?.cause).toBe('auth');
    await pauses.expire(at(11));
    expect(await redis.hlen('nightshift:pauses:ended')).toBe(1);
    await pauses.expire(at(11 + PAUSE_RENEWAL_GAP_MS / MIN));
    expect(await redis.hlen('nightshift:pauses:ended')).toBe(0);
  });
});
