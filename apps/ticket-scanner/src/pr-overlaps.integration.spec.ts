import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { parseConfig } from '@nightshift/config';
import { LocalForge } from '@nightshift/forge';
import { makeBareRemote } from '@nightshift/git';
import { EventLog, FollowUps, PushedHeads, RunStore, TicketCounters } from '@nightshift/state';
import { useTestRedis } from '@nightshift/testing-fakes';
import { LocalBoard } from '@nightshift/tracker';
import pino from 'pino';
import { Registry } from 'prom-client';

import { type BaseMoveDeps, prRebasesCounter, watchBaseMoves } from './base-move-watch';

const test = useTestRedis();

describe('two open PRs changing the same files (local forge, real git)', () => {
  let dir: string;
  let remote: string;
  let board: LocalBoard;
  let forge: LocalForge;
  let deps: BaseMoveDeps;
  beforeEach(async () => {
    await test.redis.flushall();
    dir = mkdtempSync(path.join(os.tmpdir(), 'ns-overlaps-'));
    remote = await makeBareRemote(path.join(dir, 'api.git'), { 'src/app.ts': 'one\n', 'README.md': '# api\n' });
    const config = parseConfig(`repos:\n  - { name: api, remote: ${remote} }\n`, path.join(dir, 'nightshift.yaml'));
    board = new LocalBoard({ dir: config.paths.board });
    forge = new LocalForge({ dir: config.paths.forge });
    deps = {
      config,
      tracker: board,
      forge,
      runs: new RunStore(test.redis),
      followUps: new FollowUps(test.redis),
      counters: new TicketCounters(test.redis),
      events: new EventLog(test.redis),
      pushedHeads: new PushedHeads(test.redis),
      rebases: prRebasesCounter(new Registry()),
      logger: pino({ level: 'silent' }),
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A branch off main changing `files`, pushed, with its PR and run record, its ticket In Review. */
  async function opened(title: string, files: Record<string, string>): Promise<{ key: string; url: string }> {
    const t = await board.add({ title, state: 'In Review' });
    const branch = `agent/${t.key}`;
    const wt = mkdtempSync(path.join(dir, 'wt-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: wt });
    git('clone', '--quiet', remote, '.');
    for (const [f, content] of Object.entries(files)) writeFileSync(path.join(wt, f), content);
    git('add', '-A');
    git('commit', '--quiet', '-m', title);
    git('push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`);
    const { pr } = await forge.findOrCreatePr({
      repo: 'api',
      head: branch,
      base: 'main',
      title,
      body: '',
      tickets: [t.key],
    });
    await deps.runs.save({
      runId: `${t.key}.1`,
      tickets: [t.key],
      repo: 'api',
      branch,
      host: 'h',
      model: 'm',
      attempt: 1,
      startedAt: new Date().toISOString(),
      outcome: 'success',
      prUrl: pr.url,
    });
    return { key: t.key, url: pr.url };
  }

  it('the later PR says once which earlier PR it overlaps and on which files; a PR on other files says nothing', async () => {
    const first = await opened('first', { 'src/app.ts': 'one\nfirst\n' });
    const second = await opened('second', { 'src/app.ts': 'one\nsecond\n', 'README.md': '# api!\n' });
    const apart = await opened('apart', { 'docs.md': 'docs\n' });

    await watchBaseMoves(deps);
    await watchBaseMoves(deps);

    const notes = async (key: string) =>
      (await board.getTicket(key))!.comments.filter((c) => c.body.includes('changes the same files'));
    const said = await notes(second.key);
    expect(said).toHaveLength(1);
    expect(said[0]!.body).toContain(`${second.url} changes the same files as ${first.url} (src/app.ts)`);
    expect(await notes(first.key)).toHaveLength(0);
    expect(await notes(apart.key)).toHaveLength(0);
    expect((await deps.events.read()).filter((e) => e.type === 'pr.overlaps')).toHaveLength(1);
  });
});
