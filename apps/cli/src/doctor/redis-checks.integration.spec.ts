import { parseConfig } from '@nightshift/config';
import { freePort } from '@nightshift/service-shell';
import { useTestRedis } from '@nightshift/testing-fakes';

import { checkRedis } from './redis-checks';

const testRedis = useTestRedis();
const configFor = (url: string) =>
  parseConfig(`repos: [{ name: api, remote: /r }]\nredis: { url: ${JSON.stringify(url)} }\n`, '/tmp/nightshift.yaml');

describe("doctor's Redis and clock checks", () => {
  it('passes with a Redis that answers and a clock that agrees with it', async () => {
    const [redis, clock] = await checkRedis(configFor(testRedis.url), {});
    expect(redis).toMatchObject({
      name: 'redis',
      ok: true,
      detail: expect.stringMatching(/^Redis \d+\.\d+\.\d+ answers$/),
    });
    expect(clock).toMatchObject({
      name: 'clock',
      ok: true,
      detail: expect.stringMatching(/^-?\d+ ms from Redis' clock$/),
    });
  });

  it("fails the clock when this host is more than 2 s off Redis' clock, and says how far", async () => {
    const [redis, clock] = await checkRedis(configFor(testRedis.url), {}, () => Date.now() + 5000);
    expect(redis?.ok).toBe(true);
    expect(clock).toMatchObject({
      name: 'clock',
      ok: false,
      detail: expect.stringMatching(/^this host's clock is -5\.\d s off Redis' clock \(more than 2 s\)$/),
      fix: expect.stringContaining('sync the clock'),
    });
  });

  it('fails Redis that does not answer, naming it and what to do, and skips the clock', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const [redis, clock] = await checkRedis(configFor(url), {});
    expect(redis).toMatchObject({
      name: 'redis',
      ok: false,
      detail: expect.stringContaining(`no Redis at ${url}`),
      fix: 'start that Redis or fix redis.url / REDIS_URL',
    });
    expect(clock).toMatchObject({ name: 'clock', skipped: true });
  });
});
