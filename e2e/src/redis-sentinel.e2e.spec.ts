import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Pipeline, SentinelSet, waitFor } from './harness';

jest.setTimeout(180_000);

/**
 * Redis beyond one box: every service reaches Redis through three sentinels (redis+sentinel:// with an ACL
 * user and password). The primary is SIGKILLed while agents work; the sentinels promote the replica and the
 * swarm goes on: every ticket ends with one PR, and the failover spends no attempt.
 */
describe('Redis Sentinel failover mid-night', () => {
  let dir: string;
  let set: SentinelSet | undefined;
  let pipeline: Pipeline | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ns-sentinel-'));
    set = await SentinelSet.start(dir);
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      redisUrl: set.url,
      env: { FAKE_CLAUDE_DEFAULT: 'slow=3000' },
      config: { tracker: { kind: 'local', scanIntervalSec: 1 } },
    });
  });
  afterAll(async () => {
    await pipeline?.stop();
    await set?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails over to the replica while sessions run; every ticket ends with one PR and no attempt spent', async () => {
    const p = pipeline!;
    p.startAll();
    const keys: string[] = [];
    for (let i = 0; i < 6; i++) keys.push((await p.board.add({ title: `[alpha] survive a failover ${i}` })).key);
    await waitFor(
      'sessions in flight',
      async () => (await p.events.read()).filter((e) => e.type === 'session.started').length >= 2,
      90_000,
      100,
    );

    set!.killPrimary();
    await waitFor(
      'the sentinels promote the replica',
      async () => (await set!.primaryNow()) === set!.replicaPort,
      30_000,
      200,
    );

    await waitFor(
      'every ticket In Review',
      async () => {
        const tickets = await p.board.list();
        return keys.every((k) => tickets.find((t) => t.key === k)?.state === 'In Review');
      },
      120_000,
      300,
    );
    const prs = await p.forge.listPrs();
    const outcome = async (key: string) => ({
      key,
      prs: prs.filter((pr) => pr.tickets.includes(key)).length,
      attemptsSpent: await p.counters.attemptsSpent(key),
    });
    // One line per ticket, so a failure says which ticket and what it got.
    expect(await Promise.all(keys.map(outcome))).toEqual(keys.map((key) => ({ key, prs: 1, attemptsSpent: 0 })));
    // The events written before the failover are on the new primary too (the stream is one history).
    expect((await p.events.read()).some((e) => e.type === 'session.started')).toBe(true);
  });
});
