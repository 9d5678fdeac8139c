import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { runGit } from '@nightshift/git';
import { worktreeOwnershipKey } from '@nightshift/state';

import { HOST, registeredWorktrees, useWorktreeTestEnvs } from './testing/worktree-test-env';

jest.setTimeout(120_000);

const REPO_ROOT = path.resolve(__dirname, '../../..');
const GRACE_MS = 120_000;

const envs = useWorktreeTestEnvs();
const start = envs.start;
const registered = registeredWorktrees;

/**
 * A separate node process creates a worktree through the built @nightshift/git (dist) in the service's root,
 * says so, and is then killed with SIGKILL before anything records who owns the worktree.
 */
async function createThenGetKilled(root: string, remote: string, key: string): Promise<void> {
  if (!fs.existsSync(path.join(REPO_ROOT, 'libs/git/dist/index.js'))) {
    throw new Error('libs/git/dist is missing: run `npx tsc -b tsconfig.build.json` before this test');
  }
  const script = `
    const { WorktreeStore } = require('@nightshift/git');
    const [root, remote, key] = process.argv.slice(1);
    new WorktreeStore({ root }).createWorktree({ repo: 'web', remoteUrl: remote, baseBranch: 'main', branch: 'agent/' + key, worktreeKey: key })
      .then(() => { process.stdout.write('created\\n'); setInterval(() => {}, 1000); });`;
  const child = spawn(process.execPath, ['-e', script, root, remote, key], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child never created its worktree: ${stderr}`)), 30_000);
    child.stdout.on('data', (c: Buffer) => {
      if (c.toString().includes('created')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`child exited ${code} early: ${stderr}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

describe('WorktreeSweeper', () => {
  it('a process SIGKILLed between `worktree add` and recording ownership leaves an orphan the start sweep removes', async () => {
    const e = await start();
    await e.create('LIVE-1', 'run-live'); // a live neighbour, owned and fresh
    await createThenGetKilled(e.root, e.remote, 'CRASH-1');
    const crashed = e.service.store.worktreePath('web', 'CRASH-1');
    expect(fs.existsSync(path.join(crashed, 'README.md'))).toBe(true);
    expect(await registered(e)).toContain(crashed);
    expect(await e.service.ownership.get('web', 'CRASH-1')).toBeNull();

    e.service.start();
    const swept = await e.waitForEvent('worktree.swept');
    expect(swept.detail).toMatchObject({ reason: 'start', removed: 1, worktrees: 'web/CRASH-1' });
    expect(fs.existsSync(crashed)).toBe(false);
    expect(await registered(e)).not.toContain(crashed);
    const mirror = path.join(e.service.store.root, 'mirrors', 'web.git');
    expect((await runGit(['branch', '--list', 'agent/CRASH-1'], { cwd: mirror })).stdout.trim()).toBe('');
    expect(fs.existsSync(path.join(e.service.store.worktreePath('web', 'LIVE-1'), 'README.md'))).toBe(true);
    expect(await e.registry.getSingleMetricAsString('nightshift_worktrees_orphans_swept_total')).toContain(
      'repo="web"} 1',
    );
  });

  it('never removes a live worktree; removes finished ones oldest first', async () => {
    const e = await start();
    await e.create('DONE-OLD', 'run-done-old'); // run never registered, record goes stale
    await e.create('STALE', 'run-stale'); // run registered but stopped heartbeating
    await e.create('HEARTBEAT', 'run-hb');
    await e.create('BY-PATH', 'run-path');
    e.advance(GRACE_MS + 60_000);
    await e.heartbeat('run-hb');
    await e.heartbeat('run-stale', GRACE_MS + 1000);
    // A session heartbeating in BY-PATH whose ownership record was lost still protects it.
    await e.redis.hdel(worktreeOwnershipKey(HOST), 'web/BY-PATH');
    await e.sessions.put({
      runId: 'run-path',
      host: HOST,
      runnerPid: 1,
      tickets: [],
      worktreePath: e.service.store.worktreePath('web', 'BY-PATH'),
      heartbeatAt: new Date(e.now()).toISOString(),
    });
    await e.create('JUST-MADE', 'run-new'); // recorded now, its run has not registered yet

    const result = await e.service.sweeper.sweep('interval');
    expect(result.removed.map((r) => r.worktreeKey)).toEqual(['DONE-OLD', 'STALE']);
    expect(result.removed[0]?.reason).toBe('run run-done-old is not a live session');
    expect(result.removed[1]?.reason).toMatch(/run run-stale stopped heartbeating/);
    expect(result.kept).toBe(3);
    for (const key of ['HEARTBEAT', 'BY-PATH', 'JUST-MADE'])
      expect(fs.existsSync(path.join(e.service.store.worktreePath('web', key), 'README.md'))).toBe(true);
    for (const key of ['DONE-OLD', 'STALE'])
      expect(fs.existsSync(e.service.store.worktreePath('web', key))).toBe(false);
    expect((await e.service.ownership.list()).map((o) => o.worktreeKey).sort()).toEqual(['HEARTBEAT', 'JUST-MADE']);
  });

  it('re-checks ownership under the repo lock: a worktree taken over mid-sweep is kept', async () => {
    // The beforeRemove hook runs after the sweep judged the worktree an orphan and before the locked re-check;
    // here it plays a retry of the same ticket recording ownership at that very moment.
    const record = JSON.stringify({
      repo: 'web',
      worktreeKey: 'TAKEN',
      runId: 'run-retry',
      createdAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const script = `const { Redis } = require(${JSON.stringify(require.resolve('ioredis'))});
      const r = new Redis(process.argv[1]); r.hset(process.argv[2], 'web/TAKEN', process.argv[3]).then(() => r.quit());`;
    const e = await start({
      repoHooks: { beforeRemove: [process.execPath, '-e', script, envs.redisUrl, worktreeOwnershipKey(HOST), record] },
    });
    await e.create('TAKEN', 'run-dead');
    e.advance(GRACE_MS + 1000);
    const result = await e.service.sweeper.sweep('interval');
    expect(result.removed).toEqual([]);
    expect(fs.existsSync(path.join(e.service.store.worktreePath('web', 'TAKEN'), 'README.md'))).toBe(true);
    expect((await e.service.ownership.get('web', 'TAKEN'))?.runId).toBe('run-retry');
    expect(e.logs.some((l) => l['msg'] === 'worktree became live during the sweep; kept')).toBe(true);
  });

  it('forgets records of worktrees that are gone once their run is over, keeps fresh ones', async () => {
    const e = await start();
    await e.service.ownership.record({
      repo: 'web',
      worktreeKey: 'GONE',
      runId: 'run-gone',
      createdAt: new Date(e.now() - GRACE_MS - 1).toISOString(),
    });
    await e.service.ownership.record({
      repo: 'web',
      worktreeKey: 'STARTING',
      runId: 'run-starting',
      createdAt: new Date(e.now()).toISOString(),
    });
    const result = await e.service.sweeper.sweep('interval');
    expect(result.staleRecords).toBe(1);
    expect((await e.service.ownership.list()).map((o) => o.worktreeKey)).toEqual(['STARTING']);
  });

  it('shares one sweep between concurrent callers', async () => {
    const e = await start();
    await e.create('A', 'run-a');
    const [one, two] = await Promise.all([e.service.sweeper.sweep('interval'), e.service.sweeper.sweep('disk')]);
    expect(one).toBe(two);
  });
});
