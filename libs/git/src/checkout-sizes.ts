import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** Index size up to which a tree counts as small: about 500 files (an entry is ~60 bytes plus its path). */
export const SMALL_TREE_INDEX_BYTES = 48 * 1024;

/**
 * Which repos have a tree small enough to check out inside `worktree add` itself, under the repo lock (one git
 * spawn per worktree instead of two). A big tree is still checked out after the lock, so many creates on one
 * repo write their files in parallel. Learnt from each new worktree's index size: nothing to configure, and
 * a repo that grows past the bound goes back to the split checkout on its next create.
 */
export class CheckoutSizes {
  private readonly small = new Map<string, boolean>();

  /** True once a worktree of `repo` showed its tree is small. */
  inline(repo: string): boolean {
    return this.small.get(repo) === true;
  }

  /** Reads the index size of a freshly checked-out worktree (its `.git` file names its admin dir). */
  learn(repo: string, worktreePath: string): void {
    try {
      const gitdir = /^gitdir: (.+)$/m.exec(readFileSync(path.join(worktreePath, '.git'), 'utf8'))?.[1]?.trim();
      if (!gitdir) return;
      this.small.set(repo, statSync(path.resolve(worktreePath, gitdir, 'index')).size <= SMALL_TREE_INDEX_BYTES);
    } catch {
      this.small.delete(repo); // unknown: the safe default, split checkout
    }
  }
}
