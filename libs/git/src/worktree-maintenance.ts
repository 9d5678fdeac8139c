import * as fs from 'node:fs';
import * as path from 'node:path';

import { type GitRunner, mirrorExists, refExists } from './mirror';
import { assertBranchName } from './ref-name';
import type { RepoLock } from './repo-lock';
import { safeEntries } from './store-helpers';
import type { StoreLayout } from './store-layout';
import type { BranchRef, WorktreeInfo } from './worktree-info';
import { parseWorktreeList, type RegisteredWorktree } from './worktree-registry';

/* The store's housekeeping (the sweeper's and branch cleanup's side): listing, pruning, deleting branches. */

export interface MaintenanceContext {
  layout: StoreLayout;
  lock: RepoLock;
  git: GitRunner;
}

/** The worktrees git has registered in a mirror (the bare mirror itself left out). */
export async function registeredWorktrees(git: GitRunner, mirror: string): Promise<RegisteredWorktree[]> {
  const { stdout } = await git(['worktree', 'list', '--porcelain', '-z'], mirror);
  return parseWorktreeList(stdout).filter((e) => !e.bare);
}

/**
 * Lists worktrees of one repo (or all): every directory under `worktrees/<repo>/` plus every registration
 * pointing there whose directory is gone, so a sweeper sees orphans of both kinds.
 */
export async function listWorktrees(ctx: MaintenanceContext, repo?: string): Promise<WorktreeInfo[]> {
  const repos = repo !== undefined ? [repo] : await safeEntries(ctx.layout.worktreesDir);
  const out: WorktreeInfo[] = [];
  for (const name of repos) {
    const dir = ctx.layout.repoWorktreesDir(name);
    const mirror = ctx.layout.mirrorPath(name);
    const entries = (await mirrorExists(mirror)) ? await registeredWorktrees(ctx.git, mirror) : [];
    const byPath = new Map(entries.filter((e) => path.dirname(e.path) === dir).map((e) => [e.path, e]));
    const keys = new Set([...(await safeEntries(dir)), ...[...byPath.keys()].map((p) => path.basename(p))]);
    for (const key of [...keys].sort()) {
      const wtPath = path.join(dir, key);
      out.push({ repo: name, worktreeKey: key, path: wtPath, branch: byPath.get(wtPath)?.branch ?? null });
    }
  }
  return out;
}

/** Runs `git worktree prune` on the mirror of each repo (default: every mirror), under each repo's lock. */
export async function pruneWorktrees(ctx: MaintenanceContext, repos?: string[]): Promise<string[]> {
  const names =
    repos ??
    (await fs.promises.readdir(ctx.layout.mirrorsDir).catch(() => [] as string[]))
      .filter((n) => n.endsWith('.git'))
      .map((n) => n.slice(0, -'.git'.length));
  const pruned: string[] = [];
  for (const repo of names) {
    const mirror = ctx.layout.mirrorPath(repo);
    if (!(await mirrorExists(mirror))) continue;
    await ctx.lock.run(repo, () => ctx.git(['worktree', 'prune'], mirror));
    pruned.push(repo);
  }
  return pruned;
}

/**
 * Deletes local branches of the mirrors (terminal tickets whose PR was merged or closed). A branch still
 * checked out in a worktree is kept and reported in `skipped`; one already gone counts as neither.
 */
export async function deleteLocalBranches(
  ctx: MaintenanceContext,
  refs: BranchRef[],
): Promise<{ deleted: BranchRef[]; skipped: Array<BranchRef & { reason: string }> }> {
  const deleted: BranchRef[] = [];
  const skipped: Array<BranchRef & { reason: string }> = [];
  const byRepo = new Map<string, string[]>();
  for (const ref of refs) {
    assertBranchName(ref.branch);
    byRepo.set(ref.repo, [...(byRepo.get(ref.repo) ?? []), ref.branch]);
  }
  for (const [repo, branches] of byRepo) {
    const mirror = ctx.layout.mirrorPath(repo);
    if (!(await mirrorExists(mirror))) continue;
    await ctx.lock.run(repo, async () => {
      const checkedOut = new Set((await registeredWorktrees(ctx.git, mirror)).map((e) => e.branch));
      for (const branch of branches) {
        if (checkedOut.has(branch)) skipped.push({ repo, branch, reason: 'checked out in a worktree' });
        else if (await refExists(ctx.git, mirror, `refs/heads/${branch}`)) {
          await ctx.git(['branch', '-D', '--', branch], mirror);
          deleted.push({ repo, branch });
        }
      }
    });
  }
  return { deleted, skipped };
}
