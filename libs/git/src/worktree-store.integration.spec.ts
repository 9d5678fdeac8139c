import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { safeKey } from '@nightshift/domain';

import { commitAll, makeBareRemote, pushBranch, runGit, UnsafePathError, WorktreeStore } from './index';

jest.setTimeout(120_000);

let tmp: string;
let remote: string;
let root: string;

beforeEach(async () => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nightshift-git-')));
  remote = await makeBareRemote(path.join(tmp, 'remote.git'), { 'README.md': '# web\n', 'src/app.ts': 'export {};\n' });
  root = path.join(tmp, 'root');
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const input = (key: string) => ({
  repo: 'web',
  remoteUrl: remote,
  baseBranch: 'main',
  branch: `agent/${key}`,
  worktreeKey: key,
});

async function currentBranch(dir: string): Promise<string> {
  return (await runGit(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: dir })).stdout.trim();
}

async function registeredPaths(store: WorktreeStore): Promise<string[]> {
  const mirror = path.join(store.root, 'mirrors', 'web.git');
  const { stdout } = await runGit(['worktree', 'list', '--porcelain'], { cwd: mirror });
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('worktree ') && !l.endsWith('web.git'))
    .map((l) => l.slice('worktree '.length));
}

describe('WorktreeStore', () => {
  it('creates a worktree on the requested branch with the remote content', async () => {
    const store = new WorktreeStore({ root });
    const wt = await store.createWorktree(input('ENG-1'));
    expect(wt.reused).toBe(false);
    expect(wt.path).toBe(path.join(store.root, 'worktrees', 'web', 'ENG-1'));
    expect(fs.readFileSync(path.join(wt.path, 'src/app.ts'), 'utf8')).toBe('export {};\n');
    expect(await currentBranch(wt.path)).toBe('agent/ENG-1');
    expect(await store.listWorktrees('web')).toEqual([
      { repo: 'web', worktreeKey: 'ENG-1', path: wt.path, branch: 'agent/ENG-1' },
    ]);
  });

  it('keeps mirror refs as remote-tracking refs, never a --mirror refspec', async () => {
    const store = new WorktreeStore({ root });
    const mirror = await store.ensureMirror({ name: 'web', remoteUrl: remote });
    const { stdout } = await runGit(['config', '--get-all', 'remote.origin.fetch'], { cwd: mirror });
    expect(stdout.trim()).toBe('+refs/heads/*:refs/remotes/origin/*');
    expect(await runGit(['config', '--get', 'remote.origin.mirror'], { cwd: mirror }).catch(() => 'unset')).toBe(
      'unset',
    );
    await runGit(['rev-parse', '--verify', 'refs/remotes/origin/main'], { cwd: mirror });
  });

  it('creates 20 worktrees of one repo concurrently without git lock races', async () => {
    const store = new WorktreeStore({ root });
    const keys = Array.from({ length: 20 }, (_, i) => `ENG-${i}`);
    const results = await Promise.all(keys.map((k) => store.createWorktree(input(k))));
    for (const [i, wt] of results.entries()) {
      expect(fs.existsSync(path.join(wt.path, 'README.md'))).toBe(true);
      expect(await currentBranch(wt.path)).toBe(`agent/${keys[i]}`);
    }
    expect((await registeredPaths(store)).sort()).toEqual(results.map((r) => r.path).sort());
  });

  it('two stores over one root (two processes) create concurrently on one repo', async () => {
    const a = new WorktreeStore({ root });
    const b = new WorktreeStore({ root });
    const keys = Array.from({ length: 16 }, (_, i) => `K-${i}`);
    const results = await Promise.all(keys.map((k, i) => (i % 2 ? a : b).createWorktree(input(k))));
    expect(results.every((r) => !r.reused && fs.existsSync(path.join(r.path, 'README.md')))).toBe(true);
    expect((await registeredPaths(a)).length).toBe(16);
    expect(fs.readdirSync(path.join(a.root, 'mirrors'))).toEqual(['web.git']);
  });

  it('a retry continues from the commit pushed to agent/<key>', async () => {
    const store = new WorktreeStore({ root, fetchIntervalMs: 0 });
    const first = await store.createWorktree(input('ENG-7'));
    fs.writeFileSync(path.join(first.path, 'fix.txt'), 'attempt 1\n');
    const { sha } = await commitAll(first.path, 'attempt 1');
    await pushBranch(first.path, remote, 'agent/ENG-7');
    await store.removeWorktree({ repo: 'web', worktreeKey: 'ENG-7' });

    const retry = await store.createWorktree(input('ENG-7'));
    expect(retry.reused).toBe(false);
    expect((await runGit(['rev-parse', 'HEAD'], { cwd: retry.path })).stdout.trim()).toBe(sha);
    expect(fs.readFileSync(path.join(retry.path, 'fix.txt'), 'utf8')).toBe('attempt 1\n');
  });

  it('reuses a healthy worktree for the same key and branch', async () => {
    const store = new WorktreeStore({ root });
    const first = await store.createWorktree(input('ENG-2'));
    fs.writeFileSync(path.join(first.path, 'work-in-progress.txt'), 'keep me');
    const again = await store.createWorktree(input('ENG-2'));
    expect(again).toEqual({ path: first.path, reused: true });
    expect(fs.readFileSync(path.join(again.path, 'work-in-progress.txt'), 'utf8')).toBe('keep me');
  });

  it('replaces a directory that git does not know and a registration whose directory is gone', async () => {
    const store = new WorktreeStore({ root });
    const stray = path.join(store.root, 'worktrees', 'web', 'ENG-3');
    fs.mkdirSync(stray, { recursive: true });
    fs.writeFileSync(path.join(stray, 'junk'), 'x');
    const made = await store.createWorktree(input('ENG-3'));
    expect(made.reused).toBe(false);
    expect(fs.existsSync(path.join(stray, 'junk'))).toBe(false);
    expect(await currentBranch(stray)).toBe('agent/ENG-3');

    fs.rmSync(made.path, { recursive: true, force: true });
    const remade = await store.createWorktree(input('ENG-3'));
    expect(remade.reused).toBe(false);
    expect(fs.existsSync(path.join(remade.path, 'README.md'))).toBe(true);
  });

  it('removes idempotently: the second remove reports removed:false', async () => {
    const store = new WorktreeStore({ root });
    const wt = await store.createWorktree(input('ENG-4'));
    expect(await store.removeWorktree({ repo: 'web', worktreeKey: 'ENG-4' })).toEqual({ removed: true });
    expect(fs.existsSync(wt.path)).toBe(false);
    const mirror = path.join(store.root, 'mirrors', 'web.git');
    await expect(runGit(['rev-parse', '--verify', 'refs/heads/agent/ENG-4'], { cwd: mirror })).rejects.toThrow();
    expect(await store.removeWorktree({ repo: 'web', worktreeKey: 'ENG-4' })).toEqual({ removed: false });
    expect(await store.listWorktrees()).toEqual([]);
  });

  it('remove after the directory was deleted by hand still cleans the registration', async () => {
    const store = new WorktreeStore({ root });
    const wt = await store.createWorktree(input('ENG-5'));
    fs.rmSync(wt.path, { recursive: true, force: true });
    expect(await store.listWorktrees('web')).toEqual([
      { repo: 'web', worktreeKey: 'ENG-5', path: wt.path, branch: 'agent/ENG-5' },
    ]);
    expect(await store.removeWorktree({ repo: 'web', worktreeKey: 'ENG-5' })).toEqual({ removed: true });
    expect(await registeredPaths(store)).toEqual([]);
    expect(await store.listWorktrees('web')).toEqual([]);
  });

  it('remove works for a repo that was never mirrored on this host', async () => {
    const store = new WorktreeStore({ root });
    expect(await store.removeWorktree({ repo: 'api', worktreeKey: 'ENG-1' })).toEqual({ removed: false });
  });

  describe('unsafe keys', () => {
    const unsafe = ['../../etc', 'a/b', '$(x)', 'x'.repeat(300), '..', '.', ''];

    it.each(unsafe)('rejects %j and creates nothing', async (key) => {
      const store = new WorktreeStore({ root });
      // The branch stays valid so only the key can be the reason for the refusal.
      await expect(store.createWorktree({ ...input(key), branch: 'agent/ENG-1' })).rejects.toBeInstanceOf(
        UnsafePathError,
      );
      await expect(store.removeWorktree({ repo: 'web', worktreeKey: key })).rejects.toBeInstanceOf(UnsafePathError);
      expect(fs.readdirSync(tmp).sort()).toEqual(['remote.git', 'root']);
      expect(fs.readdirSync(path.join(store.root, 'worktrees'))).toEqual([]);
      expect(fs.readdirSync(path.join(store.root, 'mirrors'))).toEqual([]);
    });

    it('accepts safeKey() of each unsafe key and stays inside the root', async () => {
      const store = new WorktreeStore({ root });
      for (const raw of unsafe) {
        const key = safeKey(raw);
        const wt = await store.createWorktree({ ...input(key), branch: `agent/${key}` });
        expect(path.dirname(wt.path)).toBe(path.join(store.root, 'worktrees', 'web'));
        expect(fs.realpathSync(wt.path)).toBe(wt.path);
      }
      expect(fs.readdirSync(tmp).sort()).toEqual(['remote.git', 'root']);
    });

    it('rejects a worktree path planted as a symlink out of the root', async () => {
      const store = new WorktreeStore({ root });
      const outside = fs.mkdtempSync(path.join(tmp, 'outside-'));
      fs.mkdirSync(path.join(store.root, 'worktrees', 'web'), { recursive: true });
      fs.symlinkSync(outside, path.join(store.root, 'worktrees', 'web', 'ENG-9'));
      await expect(store.createWorktree(input('ENG-9'))).rejects.toBeInstanceOf(UnsafePathError);
      expect(fs.readdirSync(outside)).toEqual([]);
    });
  });

  describe('ensureMirror fetch throttling', () => {
    it('fetches at most once per interval when called 10x concurrently, across store instances too', async () => {
      const commands: string[][] = [];
      const onGitCommand = (args: string[]) => commands.push(args);
      const store = new WorktreeStore({ root, fetchIntervalMs: 60_000, onGitCommand });
      const fetches = () => commands.filter((a) => a[0] === 'fetch' || a[0] === 'clone').length;

      const paths = await Promise.all(
        Array.from({ length: 10 }, () => store.ensureMirror({ name: 'web', remoteUrl: remote })),
      );
      expect(new Set(paths).size).toBe(1);
      expect(commands.filter((a) => a[0] === 'clone')).toHaveLength(1);
      expect(commands.filter((a) => a[0] === 'fetch')).toHaveLength(1);

      await Promise.all(Array.from({ length: 10 }, () => store.ensureMirror({ name: 'web', remoteUrl: remote })));
      const other = new WorktreeStore({ root, fetchIntervalMs: 60_000, onGitCommand });
      await Promise.all(Array.from({ length: 10 }, () => other.ensureMirror({ name: 'web', remoteUrl: remote })));
      expect(fetches()).toBe(2);
    });

    it('fetches again once the interval has passed, sharing one fetch among concurrent callers', async () => {
      let fetchCount = 0;
      const store = new WorktreeStore({
        root,
        fetchIntervalMs: 0,
        onGitCommand: (args) => {
          if (args[0] === 'fetch') fetchCount++;
        },
      });
      await store.ensureMirror({ name: 'web', remoteUrl: remote });
      expect(fetchCount).toBe(1);
      await Promise.all(Array.from({ length: 10 }, () => store.ensureMirror({ name: 'web', remoteUrl: remote })));
      expect(fetchCount).toBe(2);
    });
  });
});
