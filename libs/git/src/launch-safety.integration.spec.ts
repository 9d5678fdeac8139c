import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { safeKey } from '@nightshift/domain';

import { assertInsideRoot, assertSafeLaunch, UnsafePathError } from './index';

let tmp: string;
let root: string;

beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nightshift-safety-')));
  root = path.join(tmp, 'root');
  fs.mkdirSync(path.join(root, 'worktrees', 'web'), { recursive: true });
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function worktree(key: string): string {
  const dir = path.join(root, 'worktrees', 'web', key);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

describe('assertInsideRoot', () => {
  it('returns the real path of a directory under the root, even through a symlinked root', async () => {
    const dir = worktree('ENG-1');
    const linkedRoot = path.join(tmp, 'root-link');
    fs.symlinkSync(root, linkedRoot);
    expect(await assertInsideRoot(linkedRoot, path.join(linkedRoot, 'worktrees', 'web', 'ENG-1'))).toBe(dir);
  });

  it.each([
    ['the root itself', () => root],
    ['a parent of the root', () => tmp],
    [
      'a sibling whose name starts like the root',
      () => {
        fs.mkdirSync(`${root}-evil`, { recursive: true });
        return `${root}-evil`;
      },
    ],
    ['a missing path', () => path.join(root, 'worktrees', 'web', 'nope')],
    ['a .. escape', () => path.join(root, 'worktrees', '..', '..')],
  ])('refuses %s', async (_what, target) => {
    await expect(assertInsideRoot(root, target())).rejects.toBeInstanceOf(UnsafePathError);
  });
});

describe('assertSafeLaunch', () => {
  it('accepts a worktree named by its key with cwd equal to it', async () => {
    const dir = worktree('ENG-1');
    expect(await assertSafeLaunch({ root, worktreeKey: 'ENG-1', worktreePath: dir, cwd: dir })).toBe(dir);
  });

  it('refuses a cwd that is not the worktree (its parent, or a subfolder)', async () => {
    const dir = worktree('ENG-1');
    fs.mkdirSync(path.join(dir, 'src'));
    await expect(
      assertSafeLaunch({ root, worktreeKey: 'ENG-1', worktreePath: dir, cwd: path.dirname(dir) }),
    ).rejects.toThrow(/not to the worktree/);
    await expect(
      assertSafeLaunch({ root, worktreeKey: 'ENG-1', worktreePath: dir, cwd: path.join(dir, 'src') }),
    ).rejects.toThrow(/not to the worktree/);
  });

  it('keeps safeKey() of hostile ticket keys inside the root and refuses the raw ones', async () => {
    for (const raw of ['../../etc', 'a/b', '$(x)', 'x'.repeat(300)]) {
      const raw$ = path.join(root, 'worktrees', 'web', raw);
      await expect(assertSafeLaunch({ root, worktreeKey: raw, worktreePath: raw$, cwd: raw$ })).rejects.toBeInstanceOf(
        UnsafePathError,
      );
      const key = safeKey(raw);
      const dir = worktree(key);
      expect(await assertSafeLaunch({ root, worktreeKey: key, worktreePath: dir, cwd: dir })).toBe(dir);
    }
    expect(fs.readdirSync(tmp)).toEqual(['root']);
  });
});
