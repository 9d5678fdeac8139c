import * as fs from 'node:fs';
import * as path from 'node:path';

import { BaseBranchMissingError } from './errors/base-branch-missing.error';
import { GitCommandError } from './errors/git-command.error';
import type { GitOutput } from './run-git';

/** How the store runs git: args, cwd and an optional timeout (network operations get a longer one). */
export type GitRunner = (args: string[], cwd: string, timeoutMs?: number) => Promise<GitOutput>;

// Remote branches land in refs/remotes/origin/*, never in refs/heads/*: local branches belong to worktrees,
// and a --mirror refspec would make a push from a worktree delete refs on the remote.
export const ORIGIN_REFSPEC = '+refs/heads/*:refs/remotes/origin/*';

/** True when the mirror directory exists (a partial clone never has this name: see cloneMirror). */
export async function mirrorExists(mirrorPath: string): Promise<boolean> {
  return fs.promises
    .stat(path.join(mirrorPath, 'HEAD'))
    .then((s) => s.isFile())
    .catch(() => false);
}

/**
 * True when the mirror was fetched less than `intervalMs` ago. Read from FETCH_HEAD's mtime, so every
 * process on the host sees fetches made by the others.
 */
export async function fetchedWithin(mirrorPath: string, intervalMs: number): Promise<boolean> {
  if (intervalMs <= 0) return false;
  const stat = await fs.promises.stat(path.join(mirrorPath, 'FETCH_HEAD')).catch(() => null);
  return stat !== null && Date.now() - stat.mtimeMs < intervalMs;
}

/**
 * Bare-clones `remoteUrl` into `mirrorPath`: into a scratch directory first, renamed into place only once
 * configured and fetched, so a crash mid-clone never leaves a half-made mirror that looks finished.
 * Must run under the repo lock.
 */
export async function cloneMirror(
  git: GitRunner,
  remoteUrl: string,
  mirrorPath: string,
  timeoutMs: number,
): Promise<void> {
  const partial = `${mirrorPath}.partial`;
  await fs.promises.rm(partial, { recursive: true, force: true });
  const parent = path.dirname(mirrorPath);
  await git(['clone', '--bare', '--', remoteUrl, partial], parent, timeoutMs);
  await git(['config', 'remote.origin.fetch', ORIGIN_REFSPEC], partial);
  await git(['fetch', '--prune', 'origin'], partial, timeoutMs);
  await fs.promises.rename(partial, mirrorPath);
}

/** Fetches all remote branches into refs/remotes/origin/*, first pointing origin at `remoteUrl` if it moved. */
export async function fetchMirror(
  git: GitRunner,
  remoteUrl: string,
  mirrorPath: string,
  timeoutMs: number,
): Promise<void> {
  const current = await git(['config', '--get', 'remote.origin.url'], mirrorPath).then(
    (out) => out.stdout.trim(),
    () => '',
  );
  if (current !== remoteUrl) await git(['remote', 'set-url', 'origin', remoteUrl], mirrorPath);
  await git(['fetch', '--prune', 'origin'], mirrorPath, timeoutMs);
}

/** True when `ref` names an existing commit in the repository at `cwd`. */
export async function refExists(git: GitRunner, cwd: string, ref: string): Promise<boolean> {
  try {
    await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
    return true;
  } catch (err) {
    // Exit 1 is rev-parse's "no such ref"; anything else (timeout, corrupt repo) must not read as "absent".
    if (err instanceof GitCommandError && err.exitCode === 1) return false;
    throw err;
  }
}

/**
 * The commit `branch` points at on the remote right now (one `ls-remote`, no local writes, so it needs no
 * lock), null when the remote has no such branch, undefined when the remote could not be asked.
 */
export async function remoteBranchTip(
  git: GitRunner,
  mirrorPath: string,
  remoteUrl: string,
  branch: string,
  timeoutMs: number,
): Promise<string | null | undefined> {
  const ref = `refs/heads/${branch}`;
  try {
    const { stdout } = await git(['ls-remote', '--heads', '--', remoteUrl, ref], mirrorPath, timeoutMs);
    const line = stdout.split('\n').find((l) => l.endsWith(`\t${ref}`));
    return line ? (line.split('\t')[0] ?? null) : null;
  } catch {
    return undefined;
  }
}

/**
 * Fetches one branch into refs/remotes/origin/<branch>, leaving FETCH_HEAD alone so the mirror's full-fetch
 * throttle still sees the last full fetch. Must run under the repo lock.
 */
export async function fetchBranch(
  git: GitRunner,
  mirrorPath: string,
  remoteUrl: string,
  branch: string,
  timeoutMs: number,
): Promise<void> {
  const refspec = `+refs/heads/${branch}:refs/remotes/origin/${branch}`;
  await git(['fetch', '--no-tags', '--no-write-fetch-head', '--', remoteUrl, refspec], mirrorPath, timeoutMs);
}

/** The commit a ref points at, null when it does not exist. */
export async function refSha(git: GitRunner, cwd: string, ref: string): Promise<string | null> {
  try {
    const { stdout } = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
    return stdout.trim();
  } catch (err) {
    if (err instanceof GitCommandError && err.exitCode === 1) return null;
    throw err;
  }
}

/**
 * Where a new worktree of `branch` starts. `tip` is the remote's branch as ls-remote saw it (a sha; null:
 * absent; undefined: unknown, trust the mirror). When the mirror's copy is behind, that one branch is fetched
 * first, so a retry continues the commits an earlier attempt pushed. Must run under the repo lock.
 */
export async function startPoint(
  git: GitRunner,
  mirror: string,
  input: { repo: string; remoteUrl: string; branch: string; baseBranch: string },
  tip: string | null | undefined,
  timeoutMs: number,
): Promise<string> {
  const remoteBranch = `refs/remotes/origin/${input.branch}`;
  if (typeof tip === 'string' && (await refSha(git, mirror, remoteBranch)) !== tip) {
    await fetchBranch(git, mirror, input.remoteUrl, input.branch, timeoutMs);
  }
  // A branch deleted on the remote (PR merged, then a follow-up) starts again from base, not from a stale copy.
  if (tip !== null && (await refExists(git, mirror, remoteBranch))) return remoteBranch;
  const base = `refs/remotes/origin/${input.baseBranch}`;
  if (await refExists(git, mirror, base)) return base;
  throw new BaseBranchMissingError(input.repo, input.baseBranch);
}
