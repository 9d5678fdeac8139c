import type { WorktreeRef } from '@nightshift/git';

import type { FeedbackQuery, PrFeedback, ReviewNote } from './review-feedback';

export type PullRequestState = 'open' | 'closed' | 'merged';

export interface PullRequest {
  number: number;
  url: string;
  repo: string;
  head: string;
  base: string;
  title: string;
  body: string;
  tickets: string[];
  state: PullRequestState;
  createdAt: string;
  /** A draft PR (e.g. its checks still fail); unset on records written before drafts existed. */
  draft?: boolean;
  labels?: string[];
  /** Review requests still pending (GitHub drops a reviewer from them once they review). */
  reviewers?: string[];
  teamReviewers?: string[];
  assignees?: string[];
  /** Local forge only: what reviewers and CI said (the GitHub forge reads them from GitHub). */
  reviews?: ReviewNote[];
  checkRuns?: CheckRun[];
}

/** A CI check that ran on a PR (local forge records). */
export interface CheckRun {
  name: string;
  conclusion: 'success' | 'failure' | 'timed_out' | 'cancelled';
  at: string;
  log: string;
}

export interface PullRequestDraft {
  repo: string;
  head: string;
  base: string;
  title: string;
  body: string;
  tickets: string[];
  /** Open as a draft (a PR that already exists is left as it is). */
  draft?: boolean;
  /** Labels the PR must carry; added to an existing PR that lacks them. */
  labels?: string[];
  /** Reviews requested when the PR is opened (not again on a later push: that would ping them anew). */
  reviewers?: string[];
  teamReviewers?: string[];
  /** Assigned when opened; added to an existing PR that lacks them. */
  assignees?: string[];
}

/** What opening or finding a PR did; `refused`: what the forge would not do (e.g. a reviewer who is not a collaborator). */
export interface PrOpened {
  pr: PullRequest;
  created: boolean;
  refused?: string[];
}

/** Where branches are pushed and pull requests live. */
export interface Forge {
  readonly kind: string;
  /** Pushes the worktree's HEAD to `branch` on the repo's remote (force: the branch belongs to Nightshift). */
  pushBranch(input: {
    repo: string;
    remoteUrl: string;
    worktreePath: WorktreeRef;
    branch: string;
    expectNew?: boolean;
    /** Rewrite the branch only while it is still at this commit (the one Nightshift last pushed): see libs/git pushBranch. */
    lease?: string;
  }): Promise<void>;
  findOpenPr(repo: string, head: string): Promise<PullRequest | null>;
  /** The open PR for `head`, created if there is none. Atomic: never two open PRs for one head branch. */
  findOrCreatePr(draft: PullRequestDraft): Promise<PrOpened>;
  listPrs(): Promise<PullRequest[]>;
  /** Replaces an open PR's title and body (a later session pushed to its branch). Throws when there is no such PR. */
  updatePr(repo: string, number: number, change: { title: string; body: string; tickets: string[] }): Promise<void>;
  /**
   * Review feedback and failed CI checks newer than each query's `since` on the open PRs of `repo` with
   * those heads (one entry per PR that has any). Batched: one pass over the repo per call, within the API's budget.
   */
  readFeedback(repo: string, queries: FeedbackQuery[]): Promise<PrFeedback[]>;
  /**
   * Whether PR `number` merges into its base, as a remote forge computes it (GitHub: `mergeable`, computed lazily,
   * asked again after a moment). Absent on the local forge, whose PRs are checked with git directly.
   */
  mergeability?(
    repo: string,
    number: number,
    opts?: { retryMs?: number; tries?: number },
  ): Promise<{ mergeable: boolean | null; state: string; reads: number; headSha: string }>;
  /**
   * Brings a PR behind its base up to date on the forge's side (GitHub: the base merged in, no force push), only
   * while its head is still `expectedHeadSha`; 'head_moved' when someone pushed since.
   */
  updateBranch?(repo: string, number: number, expectedHeadSha: string): Promise<'updated' | 'head_moved'>;
  /** Closes an open PR (used by tests and the CLI); optional because remote forges close PRs in their own UI. */
  closePr?(repo: string, number: number): Promise<void>;
}
