import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { type EmbeddedRedis, startEmbeddedRedis } from '@nightshift/service-shell';

import { AgentSampler, Pipeline, waitFor } from './harness';

jest.setTimeout(400_000);

const OUTAGE_MS = 120_000;

/**
 * Redis is away for two minutes while four agents work, and each finishes during the outage: agents keep
 * working, and once Redis is back their PRs, moves and outcomes are recorded, nothing runs twice and no
 * attempt is spent.
 */
describe('a Redis outage of 120 s while agents run', () => {
  let dir: string;
  let redis: EmbeddedRedis;
  let pipeline: Pipeline | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ns-outage-'));
    redis = await startEmbeddedRedis({ dir: path.join(dir, 'redis') });
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      redisUrl: redis.url,
      env: { FAKE_CLAUDE_DEFAULT: `gate=${path.join(dir, 'gate')} succeed` },
      config: { tracker: { kind: 'local', scanIntervalSec: 1 } },
    });
  });
  afterAll(async () => {
    await pipeline?.stop();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records 4 PRs and 4 In Review when it is back, with no run twice and no attempt spent', async () => {
    const p = pipeline!;
    const sampler = new AgentSampler(p.dir);
    try {
      p.startAll();
      const keys: string[] = [];
      for (let i = 0; i < 4; i++) keys.push((await p.board.add({ title: `[alpha] work through an outage ${i}` })).key);
      await waitFor(
        'four agents at work',
        async () => (await p.events.read()).filter((e) => e.type === 'session.started').length === 4,
        90_000,
        100,
      );

      await redis.stop();
      const downAt = Date.now();
      writeFileSync(path.join(dir, 'gate'), 'go');
      await waitFor('every agent finished, Redis still down', async () => sampler.agentsNow().size === 0, 60_000, 200);
      expect(Date.now() - downAt).toBeLessThan(OUTAGE_MS);
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (Date.now() - downAt)));
      redis = await startEmbeddedRedis({ dir: path.join(dir, 'redis'), port: redis.port });

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
      expect(prs).toHaveLength(4);
      for (const key of keys) {
        expect(prs.filter((pr) => pr.tickets.includes(key))).toHaveLength(1);
        expect(await p.counters.attemptsSpent(key)).toBe(0);
      }
      // Each ticket's agent ran once: the outage started no second run.
      expect(p.agentLaunches()).toHaveLength(4);
      const started = (await p.events.read()).filter((e) => e.type === 'session.started');
      expect(started).toHaveLength(4);
    } finally {
      sampler.stop();
    }
  });
});
