import { GitCommandError } from './errors/git-command.error';
import type { GitRunner } from './mirror';
import { mirrorExists } from './mirror';
import type { RepoLock } from './repo-lock';

export interface DeferredBranchDeletesOptions {
  lock: RepoLock;
  git: GitRunner;
  mirrorPath: (repo: string) => string;
  /** A repo's queue is flushed once it holds this many branches. Default 64. */
  batch?: number;
  /** …or this long after the first branch was queued. Default 5 s. */
  delayMs?: number;
  /** A batch that failed for any reason but "not found" or "checked out" (its branches are dropped, not retried). */
  onError?: (repo: string, err: unknown) => void;
}

// What `git branch -D` says about a branch it rightly leaves alone.
const EXPECTED_REFUSAL =
  /^error: (branch '.*' not found\.|cannot delete branch '.*' (checked out|used by worktree) at .*)$/i;

/** Branches per `git branch -D`, well under any argv limit. */
const MAX_PER_CALL = 200;

/**
 * Local branches of removed worktrees, deleted in batches: one `git branch -D` for many tickets instead of
 * one `update-ref -d` per removal (a spawn per ticket saved). A branch checked out again before its batch
 * runs is taken off the queue by the create, under the same repo lock; `git branch -D` also refuses any
 * branch checked out in a worktree (another process's), and a branch already gone is no error. A queue lost
 * to a crash leaves only unused local refs: a new worktree resets its branch anyway, and the finished-PR
 * prune deletes them later.
 */
export class DeferredBranchDeletes {
  private readonly queued = new Map<string, Set<string>>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private readonly batch: number;
  private readonly delayMs: number;

  constructor(private readonly opts: DeferredBranchDeletesOptions) {
    this.batch = opts.batch ?? 64;
    this.delayMs = opts.delayMs ?? 5_000;
  }

  /** Queues `branch` of `repo` for deletion. */
  queue(repo: string, branch: string): void {
    const set = this.queued.get(repo) ?? new Set<string>();
    set.add(branch);
    this.queued.set(repo, set);
    if (set.size >= this.batch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.delayMs).unref();
  }

  /** True while `branch` waits for its batch: its worktree was removed already. */
  isQueued(repo: string, branch: string): boolean {
    return this.queued.get(repo)?.has(branch) ?? false;
  }

  /** The branch is in use again (a new worktree on it): it must not be deleted. Call under the repo lock. */
  keep(repo: string, branch: string): void {
    this.queued.get(repo)?.delete(branch);
  }

  /** Deletes every queued branch now (one git call per repo); waits for a flush already running. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    if (this.queued.size === 0) return;
    const work = [...this.queued.keys()];
    this.flushing = (async () => {
      for (const repo of work)
        await this.opts.lock
          .run(repo, () => this.deleteQueued(repo))
          .catch((err: unknown) => this.opts.onError?.(repo, err));
    })().finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  /** Under the repo lock, so no create can take one of these branches between the queue's read and the delete. */
  private async deleteQueued(repo: string): Promise<void> {
    const branches = [...(this.queued.get(repo) ?? [])];
    this.queued.delete(repo);
    const mirror = this.opts.mirrorPath(repo);
    if (branches.length === 0 || !(await mirrorExists(mirror))) return;
    for (let i = 0; i < branches.length; i += MAX_PER_CALL) {
      // Exit 1 when some branch was missing or checked out elsewhere; every other one is still deleted.
      await this.opts
        .git(['branch', '-D', '--', ...branches.slice(i, i + MAX_PER_CALL)], mirror)
        .catch((err: unknown) => {
          if (!onlyExpectedRefusals(err)) this.opts.onError?.(repo, err);
        });
    }
  }
}

function onlyExpectedRefusals(err: unknown): boolean {
  if (!(err instanceof GitCommandError) || err.exitCode !== 1) return false;
  const lines = err.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.length > 0 && lines.every((l) => EXPECTED_REFUSAL.test(l));
}
