import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { makeBareRemote, runGit, WorktreeStore } from './index';

jest.setTimeout(120_000);

let tmp: string;
beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nightshift-checkout-sizes-')));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const input = (remote: string, key: string) => ({
  repo: 'web',
  remoteUrl: remote,
  baseBranch: 'main',
  branch: `agent/${key}`,
  worktreeKey: key,
  branchIsNew: true,
});

async function gitCallsOf(store: WorktreeStore, calls: string[][], remote: string, key: string): Promise<string[]> {
  calls.length = 0;
  const made = await store.createWorktree(input(remote, key));
  expect(fs.existsSync(path.join(made.path, 'README.md'))).toBe(true);
  expect((await runGit(['status', '--porcelain'], { cwd: made.path })).stdout).toBe('');
  return calls.map((args) =>
    args
      .filter((a) => !a.startsWith('-c') && !a.startsWith('checkout.workers'))
      .slice(0, 2)
      .join(' '),
  );
}

describe('small trees are checked out by `worktree add` itself', () => {
  it('learns from the first worktree that the tree is small, then makes each new one with a single git call', async () => {
    const remote = await makeBareRemote(path.join(tmp, 'small.git'), {
      'README.md': '# small\n',
      'src/a.ts': 'export {};\n',
    });
    const calls: string[][] = [];
    const store = new WorktreeStore({ root: path.join(tmp, 'root'), onGitCommand: (args) => calls.push(args) });
    await store.ensureMirror({ name: 'web', remoteUrl: remote });
    expect(await gitCallsOf(store, calls, remote, 'ENG-1')).toEqual(['worktree add', 'reset --hard']);
    expect(await gitCallsOf(store, calls, remote, 'ENG-2')).toEqual(['worktree add']);
  });

  it("keeps a big tree's checkout outside the repo lock", async () => {
    const files: Record<string, string> = { 'README.md': '# big\n' };
    for (let i = 0; i < 700; i++)
      files[`src/module-${String(i).padStart(4, '0')}/index-of-a-long-enough-name.ts`] = `export const n = ${i};\n`;
    const remote = await makeBareRemote(path.join(tmp, 'big.git'), files);
    const calls: string[][] = [];
    const store = new WorktreeStore({ root: path.join(tmp, 'root'), onGitCommand: (args) => calls.push(args) });
    await store.ensureMirror({ name: 'web', remoteUrl: remote });
    expect(await gitCallsOf(store, calls, remote, 'ENG-3')).toEqual(['worktree add', 'reset --hard']);
    expect(await gitCallsOf(store, calls, remote, 'ENG-4')).toEqual(['worktree add', 'reset --hard']);
  });
});
