import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { safeKey } from '@nightshift/domain';
import { commitAll, HookFailedError, pushBranch, runGit, UnsafePathError } from '@nightshift/git';

import { registeredWorktrees, useWorktreeTestEnvs } from './testing/worktree-test-env';

jest.setTimeout(120_000);

const envs = useWorktreeTestEnvs();
const start = envs.start;
const node = (script: string, ...args: string[]) => [process.execPath, '-e', script, ...args];
const registered = registeredWorktrees;

describe('worktree.create / worktree.remove', () => {
  it('20 concurrent creates on one repo all get a working tree, each owned by its run', async () => {
    const e = await start();
    const keys = Array.from({ length: 20 }, (_, i) => `ENG-${i}`);
    const results = await Promise.all(keys.map((k) => e.create(k, `run-${k}`)));
    expect(results.every((r) => r.changed)).toBe(true);
    for (const [i, r] of results.entries()) {
      expect(fs.readFileSync(path.join(r.path, 'src/app.ts'), 'utf8')).toBe('export {};\n');
      expect((await runGit(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: r.path })).stdout.trim()).toBe(
        `agent/${keys[i]}`,
      );
    }
    const owners = await e.service.ownership.list();
    expect(owners.map((o) => `${o.worktreeKey}=${o.runId}`).sort()).toEqual(keys.map((k) => `${k}=run-${k}`).sort());
    expect((await e.events.read()).filter((ev) => ev.type === 'worktree.ready')).toHaveLength(20);
  });

  it('removal twice is harmless and releases the ownership record', async () => {
    const e = await start();
    const made = await e.create('ENG-1', 'run-1');
    expect(await e.remove('ENG-1', 'run-1')).toEqual({ path: '', changed: true });
    expect(await e.remove('ENG-1', 'run-1')).toEqual({ path: '', changed: false });
    expect(fs.existsSync(made.path)).toBe(false);
    expect(await registered(e)).not.toContain('ENG-1');
    expect(await e.service.ownership.get('web', 'ENG-1')).toBeNull();
    expect(await e.registry.getSingleMetricAsString('nightshift_worktrees_removed_total')).toContain(
      'reason="request"} 1',
    );
  });

  it('a retry continues on the same branch with the earlier commits present', async () => {
    const e = await start();
    const first = await e.create('ENG-7', 'run-a');
    fs.writeFileSync(path.join(first.path, 'attempt-1.txt'), 'one\n');
    const { sha } = await commitAll(first.path, 'attempt 1');
    await pushBranch(first.path, e.remote, 'agent/ENG-7');
    await e.remove('ENG-7', 'run-a');
    const retry = await e.create('ENG-7', 'run-b');
    expect(retry.changed).toBe(true);
    expect((await runGit(['rev-parse', 'HEAD'], { cwd: retry.path })).stdout.trim()).toBe(sha);
    expect(fs.readFileSync(path.join(retry.path, 'attempt-1.txt'), 'utf8')).toBe('one\n');
  });

  it('leaves a worktree alone when another run has taken its key over', async () => {
    const e = await start();
    const made = await e.create('ENG-2', 'run-old');
    expect((await e.create('ENG-2', 'run-new')).changed).toBe(false);
    expect(await e.remove('ENG-2', 'run-old')).toEqual({ path: '', changed: false });
    expect(fs.existsSync(path.join(made.path, 'README.md'))).toBe(true);
    expect((await e.service.ownership.get('web', 'ENG-2'))?.runId).toBe('run-new');
    expect(await e.remove('ENG-2', 'run-new')).toEqual({ path: '', changed: true });
  });

  it('leaves a worktree kept for a human (a blocked push) alone, even when its own run asks, until a new run takes it', async () => {
    const e = await start();
    const made = await e.create('ENG-3', 'run-1');
    expect(await e.service.ownership.keep('web', 'ENG-3', 'run-1', 'push blocked (secret)')).toBe(true);
    expect(await e.remove('ENG-3', 'run-1')).toEqual({ path: '', changed: false });
    expect(fs.existsSync(made.path)).toBe(true);
    const removed = (await e.events.read()).filter((ev) => ev.type === 'worktree.removed');
    expect(removed.at(-1)?.detail).toMatchObject({ removed: false, skipped: 'kept for a human' });
    await e.create('ENG-3', 'run-2');
    expect(await e.remove('ENG-3', 'run-2')).toEqual({ path: '', changed: true });
  });

  it('exports every nightshift_worktrees_* metric', async () => {
    const e = await start({ worktrees: { maxDiskGb: 10 } });
    await e.create('ENG-1', 'run-1');
    const text = await e.registry.metrics();
    for (const name of [
      'nightshift_worktrees_live 1',
      'nightshift_worktrees_created_total{repo="web"} 1',
      'nightshift_worktrees_removed_total',
      'nightshift_worktrees_orphans_swept_total',
      'nightshift_worktrees_disk_bytes',
      'nightshift_worktrees_disk_budget_bytes',
      'nightshift_worktrees_waiting_for_disk',
      'nightshift_worktrees_git_operation_duration_seconds_count{op="worktree_add"} 1',
      'nightshift_worktrees_job_duration_seconds_count{op="create",result="ok"} 1',
      'nightshift_worktrees_hook_failures_total',
    ]) {
      expect(text).toContain(name);
    }
    expect(Number(/^nightshift_worktrees_disk_bytes (\d+)/m.exec(text)?.[1])).toBeGreaterThan(0);
  });

  describe('hostile keys', () => {
    const hostile = ['../../etc', 'a/b', '$(x)', 'x'.repeat(300)];

    it.each(hostile)('refuses %j before recording or creating anything', async (key) => {
      const e = await start();
      await expect(e.create(key, 'run-1')).rejects.toBeInstanceOf(UnsafePathError);
      await expect(e.remove(key, 'run-1')).rejects.toBeInstanceOf(UnsafePathError);
      expect(await e.service.ownership.list()).toEqual([]);
      expect(fs.readdirSync(path.join(e.service.store.root, 'worktrees'))).toEqual([]);
    });

    it('keeps safeKey() of each one inside the root', async () => {
      const e = await start();
      for (const raw of hostile) {
        const made = await e.create(safeKey(raw), 'run-1', 'agent/x');
        expect(path.dirname(fs.realpathSync(made.path))).toBe(path.join(e.service.store.root, 'worktrees', 'web'));
        await e.remove(safeKey(raw), 'run-1');
      }
      expect(fs.readdirSync(e.tmp).sort()).toEqual(['remote.git', 'root']);
    });
  });
});

describe('hooks in the worktree-manager', () => {
  let logDir: string;
  beforeEach(() => {
    logDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'ns-wtm-hooklog-')));
  });
  afterEach(() => fs.rmSync(logDir, { recursive: true, force: true }));

  // A hook that appends where it ran (and with which run) to a log outside the root, then exits with `code`.
  const recorder = (file: string, code = 0) =>
    node(
      'require("fs").appendFileSync(process.argv[1], JSON.stringify({ cwd: process.cwd(), run: process.env.NIGHTSHIFT_RUN_ID, branch: process.env.NIGHTSHIFT_BRANCH }) + "\\n"); console.error("hook says hi"); process.exitCode = Number(process.argv[2])',
      file,
      String(code),
    );
  const lines = (file: string) =>
    fs.existsSync(file)
      ? fs
          .readFileSync(file, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, string>)
      : [];

  it('afterCreate runs once in the new worktree (not again on reuse) with the Nightshift env', async () => {
    const log = path.join(logDir, 'after-create.log');
    const e = await start({ repoHooks: { afterCreate: recorder(log) } });
    const made = await e.create('ENG-1', 'run-1');
    await e.create('ENG-1', 'run-1');
    expect(lines(log)).toEqual([{ cwd: made.path, run: 'run-1', branch: 'agent/ENG-1' }]);
  });

  it('afterCreate failure removes the new worktree and fails the create naming the hook', async () => {
    const log = path.join(logDir, 'after-create.log');
    const e = await start({ repoHooks: { afterCreate: recorder(log, 7) } });
    const err = (await e.create('ENG-3', 'run-1').catch((x: unknown) => x)) as HookFailedError;
    expect(err).toBeInstanceOf(HookFailedError);
    expect(err).toMatchObject({ kind: 'afterCreate', exitCode: 7 });
    expect(err.message).toContain('afterCreate hook');
    expect(err.outputTail).toContain('hook says hi');
    const wtPath = e.service.store.worktreePath('web', 'ENG-3');
    expect(lines(log)).toEqual([{ cwd: wtPath, run: 'run-1', branch: 'agent/ENG-3' }]);
    expect(fs.existsSync(wtPath)).toBe(false);
    expect(await registered(e)).not.toContain('ENG-3');
    expect(await e.service.ownership.get('web', 'ENG-3')).toBeNull();
    expect((await e.events.read()).some((ev) => ev.type === 'worktree.ready')).toBe(false);
    expect(await e.registry.getSingleMetricAsString('nightshift_worktrees_hook_failures_total')).toContain(
      'kind="afterCreate"} 1',
    );
  });

  it('beforeRemove runs in the worktree; its failure is logged and the removal goes on', async () => {
    const log = path.join(logDir, 'before-remove.log');
    const e = await start({ repoHooks: { beforeRemove: recorder(log, 1) } });
    const made = await e.create('ENG-4', 'run-1');
    expect(await e.remove('ENG-4', 'run-1')).toEqual({ path: '', changed: true });
    expect(lines(log)).toEqual([{ cwd: made.path, run: 'run-1', branch: 'agent/ENG-4' }]);
    expect(fs.existsSync(made.path)).toBe(false);
    const warning = e.logs.find((l) => l['msg'] === 'beforeRemove hook failed; removing the worktree anyway');
    expect(String(warning?.['err'])).toContain('exit code 1');
    // Nothing left to run the hook in: the second removal does not call it.
    await e.remove('ENG-4', 'run-1');
    expect(lines(log)).toHaveLength(1);
  });

  it('a hook that hangs is killed at hooks.timeoutSec and counts as a failure', async () => {
    const e = await start({ hookTimeoutSec: 1, repoHooks: { afterCreate: node('setInterval(() => {}, 1000)') } });
    const err = (await e.create('ENG-5', 'run-1').catch((x: unknown) => x)) as HookFailedError;
    expect(err).toBeInstanceOf(HookFailedError);
    expect(err.timedOut).toBe(true);
    expect(fs.existsSync(e.service.store.worktreePath('web', 'ENG-5'))).toBe(false);
  });
});
