import * as fs from 'node:fs';
import * as path from 'node:path';

import { UnsafePathError } from './errors/unsafe-path.error';
import { assertSafeName } from './store-layout';

/**
 * A worktree as git must see it once an agent has worked in it: its git dir and work tree named by the store,
 * never discovered through the worktree's own `.git` file (which the agent can rewrite to point at a git dir,
 * and so a config, of its own).
 */
export interface WorktreeGit {
  /** `<mirror>/worktrees/<name>`: the worktree's admin dir inside the mirror. */
  gitDir: string;
  workTree: string;
  /** The repo's bare mirror (common dir: config, hooks, objects). */
  mirror: string;
}

/** Where git commands on a worktree run: a plain path (git finds the repo itself) or the store's explicit pair. */
export type WorktreeRef = string | WorktreeGit;

/** The cwd and leading arguments of a git call on `ref`. */
export function gitLocation(ref: WorktreeRef): { cwd: string; args: string[] } {
  if (typeof ref === 'string') return { cwd: ref, args: [] };
  return { cwd: ref.workTree, args: ['--git-dir', ref.gitDir, '--work-tree', ref.workTree] };
}

/**
 * Finds the git dir of the worktree at `worktreePath` from the store layout under `root` (`mirrors/<repo>.git`,
 * `worktrees/<repo>/<key>`): the admin dir whose `gitdir` file names this worktree, and whose `commondir` leads
 * back to the mirror. Throws UnsafePathError when the path is not the store's worktree or the mirror has no
 * registration for it.
 */
export async function locateWorktreeGit(root: string, repo: string, worktreePath: string): Promise<WorktreeGit> {
  assertSafeName('repo name', repo);
  const key = path.basename(worktreePath);
  assertSafeName('worktree key', key);
  const realRoot = await fs.promises.realpath(root);
  const workTree = path.join(realRoot, 'worktrees', repo, key);
  const real = await fs.promises.realpath(worktreePath).catch(() => null);
  if (real !== workTree) {
    throw new UnsafePathError('worktree path', worktreePath, `it is not the store's worktree ${workTree}`);
  }
  const mirror = path.join(realRoot, 'mirrors', `${repo}.git`);
  const adminDir = path.join(mirror, 'worktrees');
  // git names the admin dir after the worktree's directory, with a number added when that name was taken.
  const others = (await fs.promises.readdir(adminDir).catch(() => [] as string[])).filter((n) => n !== key);
  for (const name of [key, ...others]) {
    const gitDir = path.join(adminDir, name);
    if (!(await fs.promises.lstat(gitDir).catch(() => null))?.isDirectory()) continue;
    const pointer = await fs.promises.readFile(path.join(gitDir, 'gitdir'), 'utf8').catch(() => null);
    if (pointer?.trim() !== path.join(workTree, '.git')) continue;
    const common = await fs.promises.readFile(path.join(gitDir, 'commondir'), 'utf8').catch(() => '');
    if (path.resolve(gitDir, common.trim()) !== mirror) {
      throw new UnsafePathError('worktree path', worktreePath, `its admin dir ${gitDir} does not lead to ${mirror}`);
    }
    return { gitDir, workTree, mirror };
  }
  throw new UnsafePathError('worktree path', worktreePath, `the mirror ${mirror} has no registration for it`);
}
