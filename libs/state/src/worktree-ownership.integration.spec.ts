import { useTestRedis } from '@nightshift/testing-fakes';
import type { Redis } from 'ioredis';

import { WorktreeOwnership, worktreeOwnershipKey } from './index';

const testRedis = useTestRedis();
let redis: Redis;
beforeAll(() => (redis = testRedis.redis));

describe('WorktreeOwnership', () => {
  it('records, reads and lists owners per host', async () => {
    const a = new WorktreeOwnership(redis, 'linux-1');
    const b = new WorktreeOwnership(redis, 'mac-1');
    const rec = await a.record({
      repo: 'web',
      worktreeKey: 'ENG-1',
      runId: 'r1',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    await b.record({ repo: 'web', worktreeKey: 'ENG-1', runId: 'r9' });
    expect(await a.get('web', 'ENG-1')).toEqual(rec);
    expect(await a.list()).toEqual([rec]);
    expect((await b.get('web', 'ENG-1'))?.runId).toBe('r9');
    expect(await redis.hkeys(worktreeOwnershipKey('linux-1'))).toEqual(['web/ENG-1']);
  });

  it('releases only its own record: a newer run that took the key over keeps it', async () => {
    const owners = new WorktreeOwnership(redis, 'linux-1');
    await owners.record({ repo: 'web', worktreeKey: 'ENG-1', runId: 'old' });
    await owners.record({ repo: 'web', worktreeKey: 'ENG-1', runId: 'new' });
    expect(await owners.release('web', 'ENG-1', 'old')).toBe(false);
    expect((await owners.get('web', 'ENG-1'))?.runId).toBe('new');
    const current = await owners.get('web', 'ENG-1');
    expect(await owners.release('web', 'ENG-1', 'new', '2000-01-01T00:00:00.000Z')).toBe(false);
    expect(await owners.release('web', 'ENG-1', 'new', current?.createdAt)).toBe(true);
    expect(await owners.get('web', 'ENG-1')).toBeNull();
    expect(await owners.release('web', 'ENG-1', 'new')).toBe(false);
  });

  it("marks only its own run's record kept, and a new run's record clears the mark", async () => {
    const owners = new WorktreeOwnership(redis, 'linux-1');
    await owners.record({ repo: 'web', worktreeKey: 'ENG-2', runId: 'r1' });
    expect(await owners.keep('web', 'ENG-2', 'other', 'push blocked (secret)')).toBe(false);
    expect(await owners.keep('web', 'ENG-2', 'r1', 'push blocked (secret)')).toBe(true);
    expect(await owners.get('web', 'ENG-2')).toMatchObject({ runId: 'r1', keptFor: 'push blocked (secret)' });
    await owners.record({ repo: 'web', worktreeKey: 'ENG-2', runId: 'r2' });
    expect((await owners.get('web', 'ENG-2'))?.keptFor).toBeUndefined();
    expect(await owners.keep('web', 'ENG-9', 'r1', 'x')).toBe(false);
  });

  it('skips unreadable records instead of failing the sweeper', async () => {
    const owners = new WorktreeOwnership(redis, 'linux-1');
    await redis.hset(worktreeOwnershipKey('linux-1'), 'web/bad', '{not json', 'web/partial', '{"runId":"x"}');
    await owners.record({ repo: 'web', worktreeKey: 'ok', runId: 'r' });
    expect((await owners.list()).map((o) => o.worktreeKey)).toEqual(['ok']);
    expect(await owners.get('web', 'bad')).toBeNull();
    expect(await owners.release('web', 'bad', 'x')).toBe(false);
  });
});
