import { useTestRedis } from '@nightshift/testing-fakes';
import type { Redis } from 'ioredis';

import { FollowUps, RepoSlots } from './index';

const testRedis = useTestRedis();
let redis: Redis;
beforeAll(() => (redis = testRedis.redis));

describe('RepoSlots', () => {
  it('lets at most `max` of many racing runs hold a slot of one repo; a holder re-acquires; a release frees one', async () => {
    const slots = new RepoSlots(redis);
    const got = await Promise.all(Array.from({ length: 10 }, (_, i) => slots.acquire('api', `run-${i}`, 2, 10_000)));
    expect(got.filter(Boolean)).toHaveLength(2);
    const holders = await slots.holders('api');
    expect(holders).toHaveLength(2);
    expect(await slots.acquire('api', holders[0]!, 2, 10_000)).toBe(true);
    expect(await slots.acquire('web', 'run-x', 1, 10_000)).toBe(true);
    await slots.release('api', holders[0]!);
    expect(await slots.acquire('api', 'late', 2, 10_000)).toBe(true);
    expect(await slots.acquire('api', 'later', 2, 10_000)).toBe(false);
  });

  it('frees the slot of a holder that stopped renewing (a crashed runner) once its lease runs out; a renewed one stays', async () => {
    const slots = new RepoSlots(redis);
    expect(await slots.acquire('api', 'crashed', 1, 100)).toBe(true);
    expect(await slots.acquire('api', 'waiting', 1, 100)).toBe(false);
    // Waits on the lease itself: the expiry is the thing under test.
    expect(await slots.acquire('api', 'renewing', 2, 100)).toBe(true);
    await new Promise((r) => setTimeout(r, 60));
    expect(await slots.renew('api', 'renewing', 10_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 90));
    expect(await slots.renew('api', 'crashed', 10_000)).toBe(false);
    expect(await slots.acquire('api', 'waiting', 2, 10_000)).toBe(true);
    expect((await slots.holders('api')).sort()).toEqual(['renewing', 'waiting']);
  });
});

describe('FollowUps', () => {
  it('counts rounds and keeps a pending follow-up until cleared', async () => {
    const followUps = new FollowUps(redis);
    expect(await followUps.rounds('T-1')).toBe(0);
    expect(await followUps.startRound('T-1')).toBe(1);
    expect(await followUps.startRound('T-1')).toBe(2);
    expect(await followUps.pending('T-1')).toBeNull();
    await followUps.markPending('T-1', 'feedback', '1 note');
    expect(await followUps.pending('T-1')).toEqual({ trigger: 'feedback', summary: '1 note' });
    await followUps.clearPending('T-1');
    expect(await followUps.pending('T-1')).toBeNull();
  });
});
