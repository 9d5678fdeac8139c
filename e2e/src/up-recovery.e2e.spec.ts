import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { freePort } from '@nightshift/service-shell';
import { EventLog, RunStore, TicketCounters } from '@nightshift/state';
import { Redis } from 'ioredis';

import { AgentSampler, Pipeline, processesMentioning, quickRecoveryConfig, UpProcess, waitFor } from './harness';

jest.setTimeout(300_000);

/**
 * `nightshift up` on embedded defaults keeps the swarm alive without a human: its redis-server killed with
 * SIGKILL comes back on the same port with its data, and `up` itself stopped mid-session leaves no agent
 * behind and, started again, finishes every interrupted ticket on the same Redis with its history.
 */
describe('nightshift up recovers', () => {
  let pipeline: Pipeline;
  let redisDir: string;
  let up: UpProcess | undefined;
  const opened: Redis[] = [];

  const redisUrl = () => readFileSync(path.join(redisDir, 'redis.url'), 'utf8').trim();
  const connect = () => {
    const redis = new Redis(redisUrl());
    opened.push(redis);
    return { events: new EventLog(redis), runs: new RunStore(redis), counters: new TicketCounters(redis) };
  };
  const addTickets = async (n: number, what: string) => {
    const keys: string[] = [];
    for (let i = 0; i < n; i++) keys.push((await pipeline.board.add({ title: `[alpha] ${what} ${i}` })).key);
    return keys;
  };
  const allInReview = (keys: string[]) => async () => {
    const tickets = await pipeline.board.list();
    return keys.every((k) => tickets.find((t) => t.key === k)?.state === 'In Review');
  };
  const expectOnePrEachNoAttempt = async (keys: string[], counters: TicketCounters) => {
    const prs = await pipeline.forge.listPrs();
    for (const key of keys) {
      expect(prs.filter((p) => p.tickets.includes(key))).toHaveLength(1);
      expect(await counters.attemptsSpent(key)).toBe(0);
    }
  };

  beforeAll(async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: quickRecoveryConfig({ reaper: { intervalSec: 2, graceSec: 1 } }),
    });
    redisDir = path.join(pipeline.dir, 'data', 'redis');
    const config = JSON.parse(readFileSync(pipeline.configFile, 'utf8')) as Record<string, unknown>;
    const ports = {
      'ticket-scanner': await freePort(),
      router: await freePort(),
      'worktree-manager': await freePort(),
      'session-runner': await freePort(),
      'zombie-reaper': await freePort(),
    };
    writeFileSync(pipeline.configFile, JSON.stringify({ ...config, http: { ports } }, null, 2));
  });
  afterAll(async () => {
    await up?.stop();
    for (const r of opened) r.disconnect();
    await pipeline?.stop();
  });

  it('restarts a SIGKILLed redis-server on the same port with its data; in-flight tickets each end with one PR', async () => {
    const keys = await addTickets(3, 'survive a redis crash');
    up = new UpProcess(pipeline.configFile, {
      FAKE_CLAUDE_ARGV_LOG: pipeline.argvLog,
      FAKE_CLAUDE_DEFAULT: 'slow=4000',
    });
    await waitFor('redis started by up', async () => up!.output.includes('[up] started redis-server'), 30_000);
    const url = redisUrl();
    const { events, counters } = connect();
    await waitFor(
      'sessions in flight',
      async () => (await events.read()).filter((e) => e.type === 'session.started').length >= 2,
      60_000,
      50,
    );

    // redis-server rewrites its title to `redis-server 127.0.0.1:<port>`: found by its port.
    const [redisPid] = processesMentioning(`127.0.0.1:${new URL(url).port}`).filter((pid) =>
      readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('redis-server'),
    );
    expect(redisPid).toBeGreaterThan(0);
    process.kill(redisPid!, 'SIGKILL');
    const killedAt = Date.now();
    await waitFor('redis back', async () => up!.output.includes('[up] redis-server back at'), 15_000, 50);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(redisUrl()).toBe(url);

    await waitFor('every in-flight ticket In Review', allInReview(keys), 90_000, 200);
    await expectOnePrEachNoAttempt(keys, counters);
    const restarted = (await events.read()).filter((e) => e.type === 'redis.restarted');
    expect(restarted).toHaveLength(1);
    expect(restarted[0]!.detail).toMatchObject({ port: Number(new URL(url).port), exited: 'SIGKILL' });
  });

  it('stopped mid-session leaves no agent; started again it keeps its Redis URL and history and finishes every ticket', async () => {
    const sampler = new AgentSampler(pipeline.dir);
    try {
      const keys = await addTickets(3, 'survive a restart');
      // The first `up` is still running with slow agents (4 s): stop it while they work.
      const { events, runs } = connect();
      await waitFor(
        'the new tickets in flight',
        async () => {
          const started = (await events.read()).filter(
            (e) => e.type === 'session.started' && keys.includes(e.ticket ?? ''),
          );
          return started.length >= 2;
        },
        60_000,
        50,
      );
      const url = redisUrl();
      const eventsBefore = await events.read();
      const runsBefore = await runs.list();
      const outputBefore = up!.output.length;
      expect(await up!.stop()).toBe(0);
      // The runner stops its agents within the grace; nothing of the swarm is left.
      expect([...sampler.agentsNow().values()].flat()).toEqual([]);
      expect(processesMentioning(pipeline.configFile)).toEqual([]);
      expect(processesMentioning(redisDir)).toEqual([]);
      // Ctrl-C reaches the whole foreground group: Redis is not restarted while stopping, stops after every
      // service, and the worktree-manager outlives the runners, which remove their worktrees in time.
      const shutdown = up!.output.slice(outputBefore);
      expect(shutdown).not.toContain('redis-server exited');
      expect(shutdown).not.toContain('grace period over');
      expect(shutdown).not.toMatch(/ECONNREFUSED|redis unreachable/);
      for (const key of keys)
        expect(existsSync(path.join(pipeline.dir, 'data', 'worktrees', 'worktrees', 'alpha', key))).toBe(false);

      up = new UpProcess(pipeline.configFile, { FAKE_CLAUDE_ARGV_LOG: pipeline.argvLog });
      await waitFor('redis started again', async () => up!.output.includes('[up] started redis-server'), 30_000);
      expect(redisUrl()).toBe(url);
      const after = connect();
      const eventIds = new Set((await after.events.read()).map((e) => e.id));
      expect(eventsBefore.every((e) => eventIds.has(e.id))).toBe(true);
      const runKeys = new Set((await after.runs.list()).map((r) => `${r.runId}~${r.execution ?? 1}`));
      expect(runsBefore.every((r) => runKeys.has(`${r.runId}~${r.execution ?? 1}`))).toBe(true);

      await waitFor('every interrupted ticket In Review', allInReview(keys), 120_000, 200);
      await expectOnePrEachNoAttempt(keys, after.counters);
      expect(sampler.maxPerWorktree()).toBeLessThanOrEqual(1);
    } finally {
      sampler.stop();
    }
  });
});
