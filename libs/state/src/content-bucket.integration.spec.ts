import { useTestRedis } from '@nightshift/testing-fakes';
import { Redis } from 'ioredis';

import { bucketFor, ContentBucket } from './index';

const testRedis = useTestRedis();

describe('ContentBucket (a token bucket per limit, in Redis, shared by every host)', () => {
  it('sizes each bucket so no window of the limit, however aligned, holds more than 90 % of it', () => {
    expect(bucketFor({ max: 80, windowMs: 60_000 })).toEqual({ capacity: 7, perMs: 65 / 60_000 });
    expect(bucketFor({ max: 500, windowMs: 3_600_000 })).toEqual({ capacity: 45, perMs: 405 / 3_600_000 });
    expect(() => new ContentBucket(testRedis.redis, 'x', [])).toThrow(/at least one limit/);
  });

  it('gives tokens from two connections out of one bucket: no 1 s window holds more than 90 % of 20', async () => {
    const other = new Redis(testRedis.url);
    try {
      const limits = [{ max: 20, windowMs: 1_000 }];
      const hosts = [new ContentBucket(testRedis.redis, 'gh', limits), new ContentBucket(other, 'gh', limits)];
      const granted: number[] = [];
      await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          await hosts[i % 2]!.take();
          granted.push(Date.now());
        }),
      );
      granted.sort((a, b) => a - b);
      const most = Math.max(...granted.map((g) => granted.filter((x) => x >= g && x < g + 1_000).length));
      expect(most).toBeLessThanOrEqual(18);
      // A bucket of another credential is its own.
      expect(await new ContentBucket(other, 'other', limits).tryTake()).toBe(0);
      expect(await hosts[0]!.tryTake()).toBeGreaterThan(0);
    } finally {
      other.disconnect();
    }
  }, 15_000);
});
