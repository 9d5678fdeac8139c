import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The git folders a linked worktree needs besides itself: its own admin folder (index, HEAD: written by
 * `git add`) and the mirror's common folder (objects, refs: read-only to the agent, the director commits).
 * Empty for a plain clone, whose `.git` folder is inside the worktree.
 */
export function worktreeGitDirs(worktree: string): { own?: string; common?: string } {
  const dotGit = path.join(worktree, '.git');
  try {
    if (!statSync(dotGit).isFile()) return {};
    const match = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
    if (!match) return {};
    const own = path.resolve(worktree, match[1]!.trim());
    let common: string | undefined;
    try {
      common = path.resolve(own, readFileSync(path.join(own, 'commondir'), 'utf8').trim());
    } catch {
      common = undefined;
    }
    return common ? { own, common } : { own };
  } catch {
    return {};
  }
}
