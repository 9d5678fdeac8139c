import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';

import {
  type FileLockTiming,
  KeyedMutex,
  type LockFailure,
  type LockLease,
  withFileLock,
  writeFileAtomic,
} from '@nightshift/file-store';

import { ForgeLockError, PullRequestNotFoundError } from './errors';
import type { CheckRun, Forge, PrOpened, PullRequest, PullRequestDraft } from './forge';
import { feedbackOf } from './local-feedback';
import { readPullRequests } from './pr-file';
import { pushBranch, type PushInput } from './push-branch';
import type { FeedbackQuery, PrFeedback, ReviewNote } from './review-feedback';

export interface LocalForgeOptions {
  /** Forge directory; holds pull-requests.json, created on first write. */
  dir: string;
  /** Lock staleness and patience; the defaults suit production, tests shorten them. */
  lock?: FileLockTiming;
  /** Kill a `git push` that runs longer than this. Default 5 minutes. */
  pushTimeoutMs?: number;
}

const DEFAULT_PUSH_TIMEOUT_MS = 5 * 60_000;

/**
 * The embedded-default forge: branches are pushed to plain git remotes (any URL git accepts,
 * typically a local bare repo) and a pull request is a record in `<dir>/pull-requests.json`,
 * shared safely by every process on the machine (file lock + atomic rename).
 */
export class LocalForge implements Forge {
  readonly kind = 'local';
  private readonly dir: string;
  private readonly file: string;
  private readonly lockPath: string;
  private readonly timing: FileLockTiming;
  private readonly pushTimeoutMs: number;
  private readonly queue = new KeyedMutex();

  constructor(opts: LocalForgeOptions) {
    this.dir = path.resolve(opts.dir);
    this.file = path.join(this.dir, 'pull-requests.json');
    this.lockPath = `${this.file}.lock`;
    this.timing = opts.lock ?? {};
    this.pushTimeoutMs = opts.pushTimeoutMs ?? DEFAULT_PUSH_TIMEOUT_MS;
  }

  /** Force-pushes the worktree's HEAD to `branch` on `remoteUrl`; throws PushFailedError with git's output. */
  pushBranch(input: PushInput): Promise<void> {
    return pushBranch(input, this.pushTimeoutMs);
  }

  /** The open PR whose head is `head` in `repo`, or null. */
  async findOpenPr(repo: string, head: string): Promise<PullRequest | null> {
    return findOpen(await readPullRequests(this.file), repo, head) ?? null;
  }

  /**
   * The open PR for the draft's head, created if there is none. The lock spans the lookup and the
   * write, so racing runners (any process) get the same PR and exactly one sees `created: true`.
   */
  async findOrCreatePr(draft: PullRequestDraft): Promise<PrOpened> {
    if (!draft.repo || !draft.head)
      throw new TypeError('LocalForge.findOrCreatePr: a draft needs a repo and a head branch.');
    return this.locked(async (lease) => {
      const prs = await readPullRequests(this.file);
      const existing = findOpen(prs, draft.repo, draft.head);
      if (existing) {
        // As on GitHub: missing labels and assignees are added; reviewers are requested only on opening.
        const labels = addMissing(existing.labels, draft.labels);
        const assignees = addMissing(existing.assignees, draft.assignees);
        if (labels || assignees) {
          if (labels) existing.labels = labels;
          if (assignees) existing.assignees = assignees;
          await this.write(prs, lease);
        }
        return { pr: existing, created: false };
      }
      // Max + 1 over every state, so a closed PR's number is never reused.
      const number = 1 + Math.max(0, ...prs.filter((p) => p.repo === draft.repo).map((p) => p.number));
      const pr: PullRequest = {
        number,
        url: `local://${draft.repo}/pull/${number}`,
        repo: draft.repo,
        head: draft.head,
        base: draft.base,
        title: draft.title,
        body: draft.body,
        tickets: [...draft.tickets],
        state: 'open',
        createdAt: new Date().toISOString(),
        ...(draft.draft ? { draft: true } : {}),
        ...(draft.labels?.length ? { labels: [...draft.labels] } : {}),
        ...(draft.reviewers?.length ? { reviewers: [...draft.reviewers] } : {}),
        ...(draft.teamReviewers?.length ? { teamReviewers: [...draft.teamReviewers] } : {}),
        ...(draft.assignees?.length ? { assignees: [...draft.assignees] } : {}),
      };
      await this.write([...prs, pr], lease);
      return { pr, created: true };
    });
  }

  /** Every PR record, oldest first. */
  listPrs(): Promise<PullRequest[]> {
    return readPullRequests(this.file);
  }

  /** Replaces the PR's title and body, as a push by a later session does on a real forge. Throws PullRequestNotFoundError. */
  async updatePr(
    repo: string,
    number: number,
    change: { title: string; body: string; tickets: string[] },
  ): Promise<void> {
    await this.locked(async (lease) => {
      const prs = await readPullRequests(this.file);
      const pr = prs.find((p) => p.repo === repo && p.number === number);
      if (!pr) throw new PullRequestNotFoundError(repo, number);
      Object.assign(pr, {
        title: change.title,
        body: change.body,
        tickets: [...new Set([...pr.tickets, ...change.tickets])],
      });
      await this.write(prs, lease);
    });
  }

  /** Review feedback and failed checks newer than each query's `since` on the repo's open PRs: one read of the records. */
  async readFeedback(repo: string, queries: FeedbackQuery[]): Promise<PrFeedback[]> {
    const prs = await readPullRequests(this.file);
    return queries.flatMap((q) => {
      const pr = findOpen(prs, repo, q.head);
      const feedback = pr && feedbackOf(pr, q.since);
      return feedback ? [feedback] : [];
    });
  }

  /** A reviewer's comment (or review verdict) on a PR, as a human or a test writes it. Throws PullRequestNotFoundError. */
  async addReview(
    repo: string,
    number: number,
    note: Omit<ReviewNote, 'at' | 'kind'> & { kind?: ReviewNote['kind'] },
  ): Promise<ReviewNote> {
    const full: ReviewNote = { kind: 'comment', ...note, at: new Date().toISOString() };
    await this.edit(repo, number, (pr) => (pr.reviews = [...(pr.reviews ?? []), full]));
    return full;
  }

  /** A CI check's result on a PR's current head, as a CI job reports it. Throws PullRequestNotFoundError. */
  async addCheckRun(repo: string, number: number, run: Omit<CheckRun, 'at'>): Promise<CheckRun> {
    const full: CheckRun = { ...run, at: new Date().toISOString() };
    await this.edit(repo, number, (pr) => (pr.checkRuns = [...(pr.checkRuns ?? []), full]));
    return full;
  }

  private async edit(repo: string, number: number, change: (pr: PullRequest) => void): Promise<void> {
    await this.locked(async (lease) => {
      const prs = await readPullRequests(this.file);
      const pr = prs.find((p) => p.repo === repo && p.number === number);
      if (!pr) throw new PullRequestNotFoundError(repo, number);
      change(pr);
      await this.write(prs, lease);
    });
  }

  /** Closes an open PR (a closed or merged one is left as is). Throws PullRequestNotFoundError. */
  async closePr(repo: string, number: number): Promise<void> {
    await this.locked(async (lease) => {
      const prs = await readPullRequests(this.file);
      const pr = prs.find((p) => p.repo === repo && p.number === number);
      if (!pr) throw new PullRequestNotFoundError(repo, number);
      if (pr.state !== 'open') return;
      pr.state = 'closed';
      await this.write(prs, lease);
    });
  }

  private async write(prs: PullRequest[], lease: LockLease): Promise<void> {
    await writeFileAtomic(this.file, `${JSON.stringify(prs, null, 2)}\n`, lease.assertHeld);
  }

  private async locked<T>(fn: (lease: LockLease) => Promise<T>): Promise<T> {
    await mkdir(this.dir, { recursive: true });
    const makeError = (p: string, failure: LockFailure, cause: unknown) => new ForgeLockError(p, failure, { cause });
    return this.queue.run('forge', () => withFileLock(this.lockPath, this.timing, makeError, fn));
  }
}

function findOpen(prs: PullRequest[], repo: string, head: string): PullRequest | undefined {
  return prs.find((p) => p.state === 'open' && p.repo === repo && p.head === head);
}

/** `have` plus what `want` adds to it, or undefined when it adds nothing. */
function addMissing(have: string[] | undefined, want: string[] | undefined): string[] | undefined {
  const missing = (want ?? []).filter((x) => !(have ?? []).includes(x));
  return missing.length ? [...(have ?? []), ...missing] : undefined;
}
