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
}

export interface PullRequestDraft {
  repo: string;
  head: string;
  base: string;
  title: string;
  body: string;
  tickets: string[];
}

/** Where branches are pushed and pull requests live. */
export interface Forge {
  readonly kind: string;
  /** Pushes the worktree's HEAD to `branch` on the repo's remote (force: the branch belongs to Nightshift). */
  pushBranch(input: { repo: string; remoteUrl: string; worktreePath: string; branch: string }): Promise<void>;
  findOpenPr(repo: string, head: string): Promise<PullRequest | null>;
  /** The open PR for `head`, created if there is none. Atomic: never two open PRs for one head branch. */
  findOrCreatePr(draft: PullRequestDraft): Promise<{ pr: PullRequest; created: boolean }>;
  listPrs(): Promise<PullRequest[]>;
  /** Replaces an open PR's title and body (a later session pushed to its branch). Throws when there is no such PR. */
  updatePr(repo: string, number: number, change: { title: string; body: string; tickets: string[] }): Promise<void>;
  /** Closes an open PR (used by tests and the CLI); optional because remote forges close PRs in their own UI. */
  closePr?(repo: string, number: number): Promise<void>;
}
