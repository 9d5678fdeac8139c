import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { parseConfig } from '@nightshift/config';
import { GitHubForge } from '@nightshift/forge';
import { createGitHubClient } from '@nightshift/github-client';
import { EventLog, FollowUps, PushedHeads, RunStore, TicketCounters } from '@nightshift/state';
import { FakeGitHub, useTestRedis } from '@nightshift/testing-fakes';
import { LocalBoard } from '@nightshift/tracker';
import pino from 'pino';
import { Registry } from 'prom-client';

import { type BaseMoveDeps, prRebasesCounter, watchBaseMoves } from './base-move-watch';

const test = useTestRedis();
const TOKEN = 'ghp_base_move_watch_token_0123456789';

describe('watchBaseMoves on GitHub (mergeable, computed lazily by the fake)', () => {
  let dir: string;
  let fake: FakeGitHub;
  let board: LocalBoard;
  let deps: BaseMoveDeps;
  beforeEach(async () => {
    await test.redis.flushall();
    dir = mkdtempSync(path.join(os.tmpdir(), 'ns-base-move-watch-'));
    fake = new FakeGitHub({ token: TOKEN, repos: ['acme/api'] });
    const baseUrl = await fake.start();
    const config = parseConfig(
      'repos:\n  - { name: api, remote: https://github.com/acme/api.git }\nfollowUp: { maxRounds: 1 }\n',
      path.join(dir, 'nightshift.yaml'),
    );
    board = new LocalBoard({ dir: config.paths.board });
    deps = {
      config,
      tracker: board,
      forge: new GitHubForge({
        client: createGitHubClient({ token: TOKEN, baseUrl, writeIntervalMs: 0, retryBaseMs: 5, retries: 0 }),
        token: TOKEN,
        repos: { api: 'acme/api' },
      }),
      runs: new RunStore(test.redis),
      followUps: new FollowUps(test.redis),
      counters: new TicketCounters(test.redis),
      events: new EventLog(test.redis),
      pushedHeads: new PushedHeads(test.redis),
      rebases: prRebasesCounter(new Registry()),
      logger: pino({ level: 'silent' }),
      lastRemoteCheck: new Map(),
      remoteCheckIntervalMs: 60_000,
      mergeableRetry: { retryMs: 100, tries: 6 },
    };
  });
  afterEach(async () => {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function opened(title: string): Promise<{ key: string; number: number }> {
    const t = await board.add({ title, state: 'In Review' });
    const pr = fake.createPull('acme/api', { head: `agent/${t.key}`, title });
    const url = `https://github.com/acme/api/pull/${pr.number}`;
    await deps.runs.save({
      runId: `${t.key}.1`,
      tickets: [t.key],
      repo: 'api',
      branch: `agent/${t.key}`,
      host: 'h',
      model: 'm',
      attempt: 1,
      startedAt: new Date(Date.now() - 3_600_000).toISOString(),
      outcome: 'success',
      prUrl: url,
    });
    return { key: t.key, number: pr.number };
  }

  const reads = () => fake.requests.filter((r) => r.method === 'GET' && /\/pulls\/\d+$/.test(r.path)).length;

  it('a conflicting PR (mergeable false once GitHub computed it) goes to one session; a clean one behind its base is left; each PR is read once per interval', async () => {
    const conflicting = await opened('conflicts');
    const behind = await opened('behind');
    fake.setMergeability('acme/api', conflicting.number, 'dirty');
    fake.setMergeability('acme/api', behind.number, 'behind');

    expect(await watchBaseMoves(deps)).toEqual([conflicting.key]);
    expect((await board.getTicket(conflicting.key))?.state).toBe('Agent Queue');
    expect(await deps.followUps.pending(conflicting.key)).toMatchObject({ trigger: 'base-moved' });
    expect((await board.getTicket(behind.key))?.state).toBe('In Review');
    // Each PR answered null first (GitHub computing) and was asked again after a moment.
    expect(reads()).toBeGreaterThan(2);
    const standings = await deps.pushedHeads.standings();
    expect([...standings.values()].map((s) => s.state).sort()).toEqual(['behind', 'session']);

    const before = reads();
    expect(await watchBaseMoves(deps)).toEqual([]);
    expect(reads()).toBe(before);
  });

  const headOf = (number: number) => fake.store.repo('acme/api')!.find((i) => i.number === number)!.headSha!;
  const updates = () => fake.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/update-branch'));

  it('a clean PR behind its base is brought up to date by GitHub (update-branch leased on the commit Nightshift pushed); the lease follows to the merge commit', async () => {
    const pr = await opened('behind');
    const pushed = headOf(pr.number);
    await deps.pushedHeads.record('api', `agent/${pr.key}`, pushed);
    fake.setMergeability('acme/api', pr.number, 'behind');

    expect(await watchBaseMoves(deps)).toEqual([]);
    expect(updates().map((r) => r.status)).toEqual([202]);
    expect(headOf(pr.number)).not.toBe(pushed);
    expect((await board.getTicket(pr.key))?.state).toBe('In Review');
    expect((await deps.events.read()).filter((e) => e.type === 'pr.rebased')).toHaveLength(1);
    expect([...(await deps.pushedHeads.standings()).values()].map((s) => s.state)).toEqual(['rebased']);

    // The next read adopts the forge's merge commit as the lease: the base moving again updates it again.
    deps.lastRemoteCheck!.clear();
    fake.setMergeability('acme/api', pr.number, 'behind');
    expect(await watchBaseMoves(deps)).toEqual([]);
    expect(updates().map((r) => r.status)).toEqual([202, 202]);
  });

  it('a human pushed to the branch: no update over it, one note instead', async () => {
    const pr = await opened('behind, with a human commit');
    await deps.pushedHeads.record('api', `agent/${pr.key}`, 'a'.repeat(40));
    fake.setMergeability('acme/api', pr.number, 'behind');

    expect(await watchBaseMoves(deps)).toEqual([]);
    expect(updates()).toEqual([]);
    expect([...(await deps.pushedHeads.standings()).values()].map((s) => s.state)).toEqual(['human-pushed']);
    expect((await board.getTicket(pr.key))?.comments.length).toBe(1);
  });
});
