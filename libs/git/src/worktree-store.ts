import * as fs from 'node:fs';
import * as path from 'node:path';

import { KeyedMutex } from '@nightshift/file-store';

import { CheckoutSizes } from './checkout-sizes';
import { DeferredBranchDeletes } from './deferred-branch-deletes';
import {
  cloneMirror,
  fetchedWithin,
  fetchMirror,
  type GitRunner,
  mirrorExists,
  refExists,
  remoteBranchTip,
  startPoint,
} from './mirror';
import { assertBranchName, assertRemoteUrl } from './ref-name';
import { RepoLock } from './repo-lock';
import { exists, observedGitRunner } from './store-helpers';
import { assertSafeName, StoreLayout } from './store-layout';
import type { BranchRef, WorktreeInfo } from './worktree-info';
import {
  deleteLocalBranches,
  listWorktrees,
  type MaintenanceContext,
  pruneWorktrees,
  registeredWorktrees,
} from './worktree-maintenance';
import type { RegisteredWorktree } from './worktree-registry';

/** Options of a WorktreeStore. */
export interface WorktreeStoreOptions {
  /** Directory holding `mirrors/`, `worktrees/` and `locks/`; created if missing. */
  root: string;
  /** A mirror is fetched at most once per this interval (per repo, per host). Default 30 s. */
  fetchIntervalMs?: number;
  /** Timeout for network operations (clone, fetch). Default 10 min. */
  networkTimeoutMs?: number;
  /** Give up waiting for another process's repo lock after this long. Default 15 min. */
  lockWaitMs?: number;
  /** Observer called before every git command the store runs (URL credentials already stripped). */
  onGitCommand?: (args: string[], cwd: string) => void;
  /** Observer called after every git command: `op` is the subcommand (`worktree add` → `worktree_add`). */
  onGitTiming?: (op: string, seconds: number, ok: boolean) => void;
  /**
   * Before a new worktree, ask the remote (one `ls-remote`, outside the lock) where the ticket's branch is,
   * and fetch just that branch if the mirror's copy is behind: a retry then continues the commits an earlier
   * attempt pushed even when the throttled mirror fetch has not seen them yet. Default true.
   */
  checkRemoteBranch?: boolean;
  /** git's `checkout.workers` for writing a new worktree's files: 0 = one per CPU (default), 1 = sequential. */
  checkoutWorkers?: number;
  /** Removed worktrees' branches are deleted in batches (see DeferredBranchDeletes); a failed batch is reported here. */
  onBranchDeleteError?: (repo: string, err: unknown) => void;
}

/** A repository as the store needs it. */
export interface MirrorRepo {
  name: string;
  remoteUrl: string;
}

/** What createWorktree needs. `worktreeKey` should come from safeKey() of @nightshift/domain. */
export interface CreateWorktreeInput {
  repo: string;
  remoteUrl: string;
  baseBranch: string;
  branch: string;
  worktreeKey: string;
  /** No earlier run can have pushed `branch` (its ticket's first launch): the remote is not asked (no `ls-remote`). */
  branchIsNew?: boolean;
  /**
   * Fetch the base branch now, whatever the mirror's fetch interval says: a session that merges the base (its PR
   * conflicts with a base that just moved) must see the base as it is, not as it was up to 30 s ago.
   */
  freshBase?: boolean;
}

/**
 * One bare mirror per repo and git worktrees checked out from it, on deterministic branches.
 * All git admin work on a repo runs under that repo's lock (in-process and across processes).
 */
export class WorktreeStore {
  private readonly layout: StoreLayout;
  private readonly lock: RepoLock;
  private readonly fetchIntervalMs: number;
  private readonly networkTimeoutMs: number;
  private readonly refreshing = new Map<string, Promise<string>>();
  private readonly git: GitRunner;
  private readonly checkRemoteBranch: boolean;
  private readonly checkoutWorkers: number;
  private readonly perKey = new KeyedMutex();
  private readonly branchDeletes: DeferredBranchDeletes;
  private readonly sizes = new CheckoutSizes();

  constructor(opts: WorktreeStoreOptions) {
    this.layout = new StoreLayout(opts.root);
    this.lock = new RepoLock({ locksDir: this.layout.locksDir, waitMs: opts.lockWaitMs });
    this.fetchIntervalMs = opts.fetchIntervalMs ?? 30_000;
    this.networkTimeoutMs = opts.networkTimeoutMs ?? 10 * 60_000;
    this.checkRemoteBranch = opts.checkRemoteBranch ?? true;
    this.checkoutWorkers = opts.checkoutWorkers ?? 0;
    this.git = observedGitRunner(opts);
    this.branchDeletes = new DeferredBranchDeletes({
      lock: this.lock,
      git: this.git,
      mirrorPath: (repo) => this.layout.mirrorPath(repo),
      onError: opts.onBranchDeleteError,
    });
  }

  /** The real path of the store root. */
  get root(): string {
    return this.layout.root;
  }

  /** Where the worktree of `repo`/`worktreeKey` lives (or would); throws UnsafePathError for an unsafe name. */
  worktreePath(repo: string, worktreeKey: string): string {
    return this.layout.worktreePath(repo, worktreeKey);
  }

  /**
   * Returns the path of the repo's bare mirror, cloning it the first time and fetching when the last fetch
   * is older than fetchIntervalMs. Concurrent callers for one repo share a single clone/fetch.
   */
  ensureMirror(repo: MirrorRepo): Promise<string> {
    assertSafeName('repo name', repo.name);
    assertRemoteUrl(repo.remoteUrl);
    let pending = this.refreshing.get(repo.name);
    if (!pending) {
      pending = this.refreshMirror(repo).finally(() => this.refreshing.delete(repo.name));
      this.refreshing.set(repo.name, pending);
    }
    return pending;
  }

  /**
   * Gives `worktreeKey` a worktree on `branch`. A healthy one already there on that branch is reused (a
   * retried job); a broken one is cleaned away first. A new one starts from the remote's `branch` when it
   * exists (a retry continues its earlier commits), else from the remote's `baseBranch`.
   * Only git's admin work (registration, branch) runs under the repo lock; writing the files, the slow part,
   * runs outside it in the new worktree alone, so many creates on one repo check out in parallel. A small tree
   * (see CheckoutSizes) is written by `worktree add` itself: one git call.
   */
  async createWorktree(input: CreateWorktreeInput): Promise<{ path: string; reused: boolean }> {
    this.layout.worktreePath(input.repo, input.worktreeKey); // path safety first: it names the worse problem
    assertBranchName(input.branch);
    assertBranchName(input.baseBranch, 'base branch name');
    assertRemoteUrl(input.remoteUrl);
    const target = await this.layout.assertContained(input.repo, input.worktreeKey, true);
    const mirror = await this.ensureMirror({ name: input.repo, remoteUrl: input.remoteUrl });
    const tip = input.branchIsNew
      ? null
      : this.checkRemoteBranch
        ? await remoteBranchTip(this.git, mirror, input.remoteUrl, input.branch, this.networkTimeoutMs)
        : undefined;
    // Two creates of one key in this process (a retried job) must not see each other's half-made checkout.
    return this.perKey.run(`${input.repo}/${input.worktreeKey}`, async () => {
      const made = await this.lock.run(input.repo, async () => {
        this.branchDeletes.keep(input.repo, input.branch);
        if (input.freshBase)
          await this.git(
            ['fetch', '--no-tags', 'origin', `+refs/heads/${input.baseBranch}:refs/remotes/origin/${input.baseBranch}`],
            mirror,
            this.networkTimeoutMs,
          );
        await this.layout.assertContained(input.repo, input.worktreeKey, true);
        const dirExists = await exists(target);
        // The common case, a new ticket: no directory, no remote branch. One `worktree add` from the base (a small
        // tree checked out by it), no listing or ref checks first; anything unusual (a stale registration, a
        // missing base) fails it and takes the careful path below.
        const inline = this.sizes.inline(input.repo);
        if (
          !dirExists &&
          tip === null &&
          (await this.tryAdd(mirror, input.branch, target, `refs/remotes/origin/${input.baseBranch}`, inline))
        ) {
          return { path: target, reused: false, checkedOut: inline };
        }
        const entry = (await this.registered(mirror)).find((e) => e.path === target);
        if (entry && dirExists && !entry.prunable && entry.branch === input.branch && (await this.isCheckout(target))) {
          return { path: target, reused: true, checkedOut: true };
        }
        if (entry || dirExists) await this.clean(mirror, target);
        const start = await startPoint(this.git, mirror, input, tip, this.networkTimeoutMs);
        await this.git(['worktree', 'add', '--no-checkout', '--no-track', '-B', input.branch, target, start], mirror);
        return { path: target, reused: false, checkedOut: false };
      });
      if (!made.reused && !made.checkedOut) await this.checkout(input.repo, mirror, target);
      if (!made.reused) this.sizes.learn(input.repo, target);
      return { path: made.path, reused: made.reused };
    });
  }

  /**
   * Removes the worktree of `worktreeKey`: directory, git registration and local branch (`branch`, deleted
   * with the next batch; or the one the registration names, at once). Idempotent: `removed` is false when there was nothing left to remove.
   * `onlyIf` is asked under the repo lock, after any create of the same repo has finished: when it answers
   * false nothing is touched and `skipped` is true (the sweeper re-checks ownership there, race-free).
   */
  async removeWorktree(input: {
    repo: string;
    worktreeKey: string;
    branch?: string;
    onlyIf?: () => Promise<boolean>;
  }): Promise<{ removed: boolean; skipped?: boolean }> {
    this.layout.worktreePath(input.repo, input.worktreeKey);
    if (input.branch !== undefined) assertBranchName(input.branch);
    const target = await this.layout.assertContained(input.repo, input.worktreeKey, false);
    const mirror = this.layout.mirrorPath(input.repo);
    return this.lock.run(input.repo, async () => {
      if (input.onlyIf && !(await input.onlyIf())) return { removed: false, skipped: true };
      const dirExists = await exists(target);
      if (dirExists && input.branch !== undefined && (await mirrorExists(mirror))) {
        // The common case (a session's own worktree, branch known): remove it, no listing; its branch goes in a batch.
        await this.clean(mirror, target);
        this.branchDeletes.queue(input.repo, input.branch);
        return { removed: true };
      }
      if (!(await mirrorExists(mirror))) {
        await fs.promises.rm(target, { recursive: true, force: true });
        return { removed: dirExists };
      }
      const entry = (await this.registered(mirror)).find((e) => e.path === target);
      if (entry || dirExists) await this.clean(mirror, target);
      const branch = input.branch ?? entry?.branch ?? null;
      let branchDeleted = false;
      // A branch waiting for its batch belongs to a removal already done: a second remove finds nothing new.
      if (
        branch !== null &&
        !this.branchDeletes.isQueued(input.repo, branch) &&
        (await refExists(this.git, mirror, `refs/heads/${branch}`))
      ) {
        await this.git(['branch', '-D', branch], mirror);
        branchDeleted = true;
      }
      return { removed: dirExists || entry !== undefined || branchDeleted };
    });
  }

  /** Deletes the branches of removed worktrees still waiting for their batch (call before shutting down). */
  flushBranchDeletes(): Promise<void> {
    return this.branchDeletes.flush();
  }

  /** Every worktree directory under `worktrees/<repo>/` plus registrations whose directory is gone (see worktree-maintenance). */
  listWorktrees(repo?: string): Promise<WorktreeInfo[]> {
    return listWorktrees(this.maintenance, repo);
  }

  /** `git worktree prune` on each repo's mirror (default: every mirror), under each repo's lock. */
  pruneWorktrees(repos?: string[]): Promise<string[]> {
    return pruneWorktrees(this.maintenance, repos);
  }

  /** Deletes mirror branches of finished tickets; one still checked out is kept and reported in `skipped`. */
  deleteLocalBranches(
    refs: BranchRef[],
  ): Promise<{ deleted: BranchRef[]; skipped: Array<BranchRef & { reason: string }> }> {
    return deleteLocalBranches(this.maintenance, refs);
  }

  private get maintenance(): MaintenanceContext {
    return { layout: this.layout, lock: this.lock, git: this.git };
  }

  private async refreshMirror(repo: MirrorRepo): Promise<string> {
    const mirror = this.layout.mirrorPath(repo.name);
    if ((await mirrorExists(mirror)) && (await fetchedWithin(mirror, this.fetchIntervalMs))) return mirror;
    return this.lock.run(repo.name, async () => {
      // Re-checked under the lock: another process may have cloned or fetched while we waited.
      if (!(await mirrorExists(mirror))) {
        await cloneMirror(this.git, repo.remoteUrl, mirror, this.networkTimeoutMs);
      } else if (!(await fetchedWithin(mirror, this.fetchIntervalMs))) {
        await fetchMirror(this.git, repo.remoteUrl, mirror, this.networkTimeoutMs);
      }
      return mirror;
    });
  }

  private registered(mirror: string): Promise<RegisteredWorktree[]> {
    return registeredWorktrees(this.git, mirror);
  }

  /** The directory is a working tree of its own (its `.git` file works), not just a leftover folder. */
  private async isCheckout(dir: string): Promise<boolean> {
    try {
      const { stdout } = await this.git(['rev-parse', '--show-toplevel', '--git-path', 'index'], dir);
      const [toplevel, index = ''] = stdout.trim().split('\n');
      // No index = the checkout never finished (it is written last): not a worktree to hand out.
      return toplevel === dir && (await exists(path.resolve(dir, index)));
    } catch {
      return false;
    }
  }

  /** Writes a new worktree's files (what `worktree add` does after registering); a failed one is removed. */
  private async checkout(repo: string, mirror: string, target: string): Promise<void> {
    try {
      await this.git(
        ['-c', `checkout.workers=${this.checkoutWorkers}`, 'reset', '--hard', '--quiet'],
        target,
        this.networkTimeoutMs,
      );
    } catch (err) {
      await this.lock.run(repo, () => this.clean(mirror, target)).catch(() => undefined);
      throw err;
    }
  }

  private async clean(mirror: string, target: string): Promise<void> {
    // `worktree remove` fails on a missing directory, a broken `.git` file or submodules; rm + prune below
    // cleans each of those cases, so its failure is expected and not an error. When it worked, git already
    // dropped the registration: no prune needed.
    const removed = await this.git(['worktree', 'remove', '--force', target], mirror).then(
      () => true,
      () => false,
    );
    if (removed && !(await exists(target))) return;
    await fs.promises.rm(target, { recursive: true, force: true });
    await this.git(['worktree', 'prune'], mirror);
  }

  /** `worktree add` of a fresh branch at `start` (its files written too when `checkout`); false (nothing left behind) when git refused. */
  private async tryAdd(
    mirror: string,
    branch: string,
    target: string,
    start: string,
    checkout: boolean,
  ): Promise<boolean> {
    try {
      await this.git(
        ['worktree', 'add', ...(checkout ? ['--quiet'] : ['--no-checkout']), '--no-track', '-B', branch, target, start],
        mirror,
      );
      return true;
    } catch {
      return false;
    }
  }
}
