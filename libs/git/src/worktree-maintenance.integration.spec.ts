import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { commitAll, makeBareRemote, pushBranch, runGit, WorktreeStore } from './index';

jest.setTimeout(60_000);

let tmp: string;
let remote: string;
let root: string;

beforeEach(async () => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nightshift-git-maint-')));
  remote = await makeBareRemote(path.join(tmp, 'remote.git'), { 'README.md': '# web\n' });
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
const head = async (dir: string) => (await runGit(['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();
const mirrorOf = (store: WorktreeStore) => path.join(store.root, 'mirrors', 'web.git');

async function attempt(store: WorktreeStore, key: string, file: string): Promise<string> {
  const wt = await store.createWorktree(input(key));
  fs.writeFileSync(path.join(wt.path, file), `${file}\n`);
  const { sha } = await commitAll(wt.path, file);
  await pushBranch(wt.path, remote, `agent/${key}`);
  await store.removeWorktree({ repo: 'web', worktreeKey: key });
  return sha as string;
}

describe('retries continue the ticket branch even inside the fetch interval', () => {
  it('a retry right after a push (mirror fetched seconds ago) starts from the pushed commits', async () => {
    const store = new WorktreeStore({ root, fetchIntervalMs: 60_000 });
    const first = await attempt(store, 'ENG-7', 'attempt-1.txt');
    const second = await attempt(store, 'ENG-7', 'attempt-2.txt');
    const retry = await store.createWorktree(input('ENG-7'));
    expect(await head(retry.path)).toBe(second);
    const log = (await runGit(['log', '--format=%H'], { cwd: retry.path })).stdout.trim().split('\n');
    expect(log).toContain(first);
    expect(fs.existsSync(path.join(retry.path, 'attempt-1.txt'))).toBe(true);
    expect(fs.existsSync(path.join(retry.path, 'attempt-2.txt'))).toBe(true);
  });

  it('without the remote check the throttled mirror would start over from main (why the check exists)', async () => {
    const store = new WorktreeStore({ root, fetchIntervalMs: 60_000, checkRemoteBranch: false });
    await attempt(store, 'ENG-8', 'attempt-1.txt');
    const retry = await store.createWorktree(input('ENG-8'));
    expect(fs.existsSync(path.join(retry.path, 'attempt-1.txt'))).toBe(false);
  });

  it('a first launch (branchIsNew) does not ask the remote: one git call makes the worktree registration', async () => {
    const calls: string[][] = [];
    const store = new WorktreeStore({ root, fetchIntervalMs: 60_000, onGitCommand: (args) => calls.push(args) });
    await store.ensureMirror({ name: 'web', remoteUrl: remote });
    calls.length = 0;
    const made = await store.createWorktree({ ...input('ENG-11'), branchIsNew: true });
    expect(calls.some((a) => a.includes('ls-remote'))).toBe(false);
    expect(calls.filter((a) => a.includes('worktree'))).toHaveLength(1);
    expect(await head(made.path)).toBe((await runGit(['rev-parse', 'main'], { cwd: remote })).stdout.trim());
    // Every other create still asks, so a retry continues what was pushed.
    calls.length = 0;
    await store.createWorktree(input('ENG-12'));
    expect(calls.some((a) => a.includes('ls-remote'))).toBe(true);
  });

  it('another host whose mirror fetched before the push still continues the branch', async () => {
    const hostA = new WorktreeStore({ root, fetchIntervalMs: 60_000 });
    const hostB = new WorktreeStore({ root: path.join(tmp, 'root-b'), fetchIntervalMs: 60_000 });
    await hostB.ensureMirror({ name: 'web', remoteUrl: remote });
    const sha = await attempt(hostA, 'ENG-9', 'from-host-a.txt');
    const retry = await hostB.createWorktree(input('ENG-9'));
    expect(await head(retry.path)).toBe(sha);
    // FETCH_HEAD untouched by the one-branch fetch: the full-fetch throttle still counts from the last full fetch.
    expect(fs.existsSync(path.join(mirrorOf(hostB), 'FETCH_HEAD'))).toBe(true);
  });

  it('a branch deleted on the remote (PR merged) starts again from the base, not from a stale copy', async () => {
    const store = new WorktreeStore({ root, fetchIntervalMs: 60_000 });
    const old = await attempt(store, 'ENG-10', 'old.txt');
    await runGit(['update-ref', 'refs/remotes/origin/agent/ENG-10', old], { cwd: mirrorOf(store) });
    await runGit(['branch', '-D', 'agent/ENG-10'], { cwd: remote });
    const again = await store.createWorktree(input('ENG-10'));
    expect(fs.existsSync(path.join(again.path, 'old.txt'))).toBe(false);
    expect(await head(again.path)).toBe((await runGit(['rev-parse', 'main'], { cwd: remote })).stdout.trim());
  });
});

describe('checkout outside the repo lock', () => {
  it('20 concurrent creates each end fully checked out: clean status, HEAD at main', async () => {
    const store = new WorktreeStore({ root });
    const made = await Promise.all(Array.from({ length: 20 }, (_, i) => store.createWorktree(input(`P-${i}`))));
    const main = (await runGit(['rev-parse', 'main'], { cwd: remote })).stdout.trim();
    for (const wt of made) {
      expect((await runGit(['status', '--porcelain'], { cwd: wt.path })).stdout).toBe('');
      expect(await head(wt.path)).toBe(main);
    }
  });

  it('never hands out a worktree whose checkout did not finish (no index): it is made again', async () => {
    const store = new WorktreeStore({ root });
    const wt = await store.createWorktree(input('HALF'));
    const index = (await runGit(['rev-parse', '--git-path', 'index'], { cwd: wt.path })).stdout.trim();
    fs.rmSync(path.resolve(wt.path, index));
    fs.rmSync(path.join(wt.path, 'README.md'));
    const again = await store.createWorktree(input('HALF'));
    expect(again.reused).toBe(false);
    expect(fs.readFileSync(path.join(again.path, 'README.md'), 'utf8')).toBe('# web\n');
    expect((await runGit(['status', '--porcelain'], { cwd: again.path })).stdout).toBe('');
  });

  it('two creates of one key at once (a retried job) get one healthy worktree', async () => {
    // Enough files that the first checkout is still writing when the second create takes the repo lock.
    const files = Object.fromEntries(
      Array.from({ length: 2000 }, (_, i) => [`pkg/f${i}.ts`, `export const v${i} = ${i};\n`]),
    );
    remote = await makeBareRemote(path.join(tmp, 'big.git'), { 'README.md': '# web\n', ...files });
    const store = new WorktreeStore({ root });
    // Each caller checks its worktree the moment it gets it: neither may receive a half-written one.
    const readyOnArrival = async () => {
      const wt = await store.createWorktree(input('TWICE'));
      return {
        ...wt,
        readme: fs.existsSync(path.join(wt.path, 'README.md')),
        status: (await runGit(['status', '--porcelain'], { cwd: wt.path })).stdout,
      };
    };
    const [a, b] = await Promise.all([readyOnArrival(), readyOnArrival()]);
    expect(a.path).toBe(b.path);
    expect([a.reused, b.reused].sort()).toEqual([false, true]);
    expect([a.readme, b.readme, a.status, b.status]).toEqual([true, true, '', '']);
  });
});

describe('maintenance', () => {
  it('removeWorktree asks onlyIf under the lock and touches nothing when it says no', async () => {
    const store = new WorktreeStore({ root });
    const wt = await store.createWorktree(input('ENG-1'));
    expect(await store.removeWorktree({ repo: 'web', worktreeKey: 'ENG-1', onlyIf: async () => false })).toEqual({
      removed: false,
      skipped: true,
    });
    expect(fs.existsSync(path.join(wt.path, 'README.md'))).toBe(true);
    expect(await store.removeWorktree({ repo: 'web', worktreeKey: 'ENG-1', onlyIf: async () => true })).toEqual({
      removed: true,
    });
    expect(fs.existsSync(wt.path)).toBe(false);
  });

  it('pruneWorktrees drops registrations whose directory vanished', async () => {
    const store = new WorktreeStore({ root });
    const wt = await store.createWorktree(input('ENG-2'));
    fs.rmSync(wt.path, { recursive: true, force: true });
    expect(await store.pruneWorktrees()).toEqual(['web']);
    const { stdout } = await runGit(['worktree', 'list', '--porcelain'], { cwd: mirrorOf(store) });
    expect(stdout).not.toContain('ENG-2');
  });

  it('deleteLocalBranches deletes finished branches and keeps one still checked out', async () => {
    const store = new WorktreeStore({ root });
    await store.createWorktree(input('ENG-3'));
    await runGit(['branch', 'agent/ENG-OLD', 'refs/remotes/origin/main'], { cwd: mirrorOf(store) });
    const result = await store.deleteLocalBranches([
      { repo: 'web', branch: 'agent/ENG-OLD' },
      { repo: 'web', branch: 'agent/ENG-3' },
      { repo: 'web', branch: 'agent/never-existed' },
      { repo: 'api', branch: 'agent/ENG-1' },
    ]);
    expect(result).toEqual({
      deleted: [{ repo: 'web', branch: 'agent/ENG-OLD' }],
      skipped: [{ repo: 'web', branch: 'agent/ENG-3', reason: 'checked out in a worktree' }],
    });
    const { stdout } = await runGit(['branch', '--list'], { cwd: mirrorOf(store) });
    expect(stdout).not.toContain('agent/ENG-OLD');
    expect(stdout).toContain('agent/ENG-3');
  });

  it('reports each git command with its duration', async () => {
    const ops: string[] = [];
    const store = new WorktreeStore({
      root,
      onGitTiming: (op, seconds, ok) => ops.push(`${op}:${ok}:${seconds >= 0}`),
    });
    await store.createWorktree(input('ENG-4'));
    expect(ops).toEqual(
      expect.arrayContaining(['clone:true:true', 'fetch:true:true', 'ls-remote:true:true', 'worktree_add:true:true']),
    );
  });
});
