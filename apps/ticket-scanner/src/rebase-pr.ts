import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { agentEnv, type NightshiftConfig, type RepoConfig } from '@nightshift/config';
import { safeKey } from '@nightshift/domain';
import { type Forge, PushFailedError } from '@nightshift/forge';
import {
  type BaseStanding,
  baseStanding,
  hookEnv,
  HookFailedError,
  rebaseOnto,
  runGit,
  runHook,
} from '@nightshift/git';
import type { EventLog } from '@nightshift/state';

/**
 * A scratch clone of one repo's base and open PR heads, for the base-move watch: read-only checks with
 * `merge-tree`, and a rebase in a work tree of its own (never a session's worktree). Removed by `close`.
 */
export class BaseMoveClone {
  private constructor(
    readonly root: string,
    readonly dir: string,
    private readonly repo: RepoConfig,
  ) {}

  /** Fetches the base and `heads` of `repo` into a fresh scratch clone. */
  static async open(repo: RepoConfig, heads: string[]): Promise<BaseMoveClone> {
    const root = await mkdtemp(path.join(os.tmpdir(), 'nightshift-base-move-'));
    const dir = path.join(root, safeKey(repo.name));
    await mkdir(dir);
    const clone = new BaseMoveClone(root, dir, repo);
    try {
      await runGit(['init', '--quiet', dir], { cwd: dir });
      const specs = [
        `+refs/heads/${repo.baseBranch}:refs/remotes/origin/${repo.baseBranch}`,
        ...heads.map((h) => `+refs/heads/${h}:refs/remotes/origin/${h}`),
      ];
      await runGit(['fetch', '--quiet', '--no-tags', '--', repo.remote, ...specs], { cwd: dir });
    } catch (err) {
      await clone.close();
      throw err;
    }
    return clone;
  }

  standing(head: string): Promise<BaseStanding> {
    return baseStanding(this.dir, `refs/remotes/origin/${this.repo.baseBranch}`, `refs/remotes/origin/${head}`);
  }

  /** The files `head` changes since it left the base (`base...head`). */
  async changedFiles(head: string): Promise<string[]> {
    const range = `refs/remotes/origin/${this.repo.baseBranch}...refs/remotes/origin/${head}`;
    const { stdout } = await runGit(['diff', '--name-only', '--no-renames', range, '--'], { cwd: this.dir });
    return stdout.split('\n').filter(Boolean);
  }

  async close(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

/** How a rebase went: pushed (the new head), or why not. */
export type RebaseResult =
  | { result: 'rebased'; head: string }
  | { result: 'conflict' }
  | { result: 'checks_failed'; failing: string[] }
  | { result: 'lease_refused'; output: string };

/**
 * Rebases `head` onto the base in the scratch clone, runs the repo's checks on the result (as a session's quality
 * loop does, with the agent's environment, never the scanner's), and pushes it with a lease pinned to `lease`, the
 * commit Nightshift last pushed: a branch someone else pushed to since is refused by git, never overwritten.
 */
export async function rebasePr(
  deps: { config: NightshiftConfig; forge: Forge; events: EventLog },
  clone: BaseMoveClone,
  repo: RepoConfig,
  head: string,
  lease: string,
  ticket: string,
): Promise<RebaseResult> {
  const { dir } = clone;
  await runGit(['checkout', '--quiet', '--force', '-B', head, `refs/remotes/origin/${head}`], { cwd: dir });
  const rebased = await rebaseOnto(dir, `refs/remotes/origin/${repo.baseBranch}`, deps.config.forge.commitAuthor);
  if (!rebased) return { result: 'conflict' };
  const failing: string[] = [];
  const env = {
    ...agentEnv({ config: deps.config, repo }),
    ...hookEnv({ repo: repo.name, branch: head, runId: `rebase:${head}`, worktreeKey: path.basename(dir) }),
  };
  for (const check of repo.checks) {
    const where = { cwd: dir, root: clone.root, worktreeKey: path.basename(dir), env };
    const started = Date.now();
    let outcome: 'passed' | 'failed' | 'timed_out' = 'passed';
    try {
      await runHook('check', check.argv, { ...where, timeoutMs: check.timeoutSec * 1000, maxOutputBytes: 3000 });
    } catch (err) {
      if (!(err instanceof HookFailedError)) throw err;
      outcome = err.timedOut ? 'timed_out' : 'failed';
      failing.push(check.name);
    }
    await deps.events.append({
      type: 'check.finished',
      repo: repo.name,
      ticket,
      detail: { name: check.name, outcome, durationMs: Date.now() - started, round: 0, after: 'rebase' },
    });
  }
  if (failing.length) return { result: 'checks_failed', failing };
  try {
    await deps.forge.pushBranch({ repo: repo.name, remoteUrl: repo.remote, worktreePath: dir, branch: head, lease });
  } catch (err) {
    if (err instanceof PushFailedError && err.leaseRefused) return { result: 'lease_refused', output: err.gitOutput };
    throw err;
  }
  return { result: 'rebased', head: rebased };
}
