import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { DeferredBranchDeletes } from './deferred-branch-deletes';
import { makeBareRemote, runGit, WorktreeStore } from './index';
import { RepoLock } from './repo-lock';

jest.setTimeout(120_000);

let tmp: string;
let remote: string;
let root: string;

beforeEach(async () => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nightshift-branch-deletes-')));
  remote = await makeBareRemote(path.join(tmp, 'remote.git'), { 'README.md': '# web\n' });
  root = path.join(tmp, 'root');
  fs.mkdirSync(path.join(tmp, 'locks'));
});

afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const input = (key: string) => ({
  repo: 'web',
  remoteUrl: remote,
  baseBranch: 'main',
  branch: `agent/${key}`,
  worktreeKey: key,
});
const mirrorOf = (store: WorktreeStore) => path.join(store.root, 'mirrors', 'web.git');

async function localBranches(mirror: string): Promise<string[]> {
  const { stdout } = await runGit(['for-each-ref', '--format=%(refname:short)', 'refs/heads/agent/'], { cwd: mirror });
  return stdout.split('\n').filter(Boolean).sort();
}

describe('removed worktrees lose their branches in batches', () => {
  it('keeps the branch until the batch, then deletes every queued one with one git call', async () => {
    const calls: string[][] = [];
    const store = new WorktreeStore({ root, onGitCommand: (args) => calls.push(args) });
    for (const key of ['ENG-1', 'ENG-2', 'ENG-3']) await store.createWorktree(input(key));
    for (const key of ['ENG-1', 'ENG-2', 'ENG-3'])
      expect(await store.removeWorktree({ repo: 'web', worktreeKey: key, branch: `agent/${key}` })).toEqual({
        removed: true,
      });
    expect(await localBranches(mirrorOf(store))).toEqual(['agent/ENG-1', 'agent/ENG-2', 'agent/ENG-3']);

    calls.length = 0;
    await store.flushBranchDeletes();
    expect(await localBranches(mirrorOf(store))).toEqual([]);
    expect(calls).toEqual([['branch', '-D', '--', 'agent/ENG-1', 'agent/ENG-2', 'agent/ENG-3']]);
  });

  it('spares a branch checked out again before its batch ran', async () => {
    const store = new WorktreeStore({ root });
    await store.createWorktree(input('ENG-4'));
    await store.removeWorktree({ repo: 'web', worktreeKey: 'ENG-4', branch: 'agent/ENG-4' });
    const again = await store.createWorktree(input('ENG-4'));
    await store.flushBranchDeletes();
    expect(await localBranches(mirrorOf(store))).toEqual(['agent/ENG-4']);
    expect((await runGit(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: again.path })).stdout.trim()).toBe(
      'agent/ENG-4',
    );
  });

  it('flushes on its own once a repo queues a full batch; a missing or checked-out branch is no error', async () => {
    const store = new WorktreeStore({ root });
    await store.createWorktree(input('ENG-5'));
    await store.createWorktree(input('ENG-6'));
    const mirror = mirrorOf(store);
    const errors: unknown[] = [];
    const git = (args: string[], cwd: string) => runGit(args, { cwd });
    const deletes = new DeferredBranchDeletes({
      lock: new RepoLock({ locksDir: path.join(tmp, 'locks') }),
      git,
      mirrorPath: () => mirror,
      batch: 3,
      delayMs: 60_000,
      onError: (_repo, err) => errors.push(err),
    });
    deletes.queue('web', 'agent/ENG-5'); // checked out in its worktree: git refuses, rightly
    deletes.queue('web', 'agent/never-existed');
    await runGit(['worktree', 'remove', '--force', path.join(store.root, 'worktrees', 'web', 'ENG-6')], {
      cwd: mirror,
    });
    deletes.queue('web', 'agent/ENG-6'); // the third: the batch starts at once, long before its 60 s delay
    for (let i = 0; i < 200 && (await localBranches(mirror)).includes('agent/ENG-6'); i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(await localBranches(mirror)).toEqual(['agent/ENG-5']);
    await deletes.flush();
    expect(errors).toEqual([]);
  });

  it('reports a batch that failed for another reason', async () => {
    const errors: Array<{ repo: string; err: unknown }> = [];
    const broken = path.join(tmp, 'not-a-repo.git');
    fs.mkdirSync(path.join(broken, 'objects'), { recursive: true });
    fs.writeFileSync(path.join(broken, 'HEAD'), 'ref: refs/heads/main\n');
    fs.writeFileSync(path.join(broken, 'config'), '[core\nbroken');
    const git = (args: string[], cwd: string) => runGit(args, { cwd });
    const deletes = new DeferredBranchDeletes({
      lock: new RepoLock({ locksDir: path.join(tmp, 'locks') }),
      git,
      mirrorPath: () => broken,
      onError: (repo, err) => errors.push({ repo, err }),
    });
    deletes.queue('web', 'agent/ENG-7');
    await deletes.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.repo).toBe('web');
    expect(String((errors[0]?.err as Error).message)).toMatch(/branch/);
  });
});
