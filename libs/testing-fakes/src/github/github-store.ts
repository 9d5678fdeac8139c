export interface FakeGitHubLabel {
  name: string;
}

export interface FakeGitHubComment {
  id: number;
  body: string;
  user: string;
  createdAt: string;
}

/** An issue or a pull request (GitHub numbers both from one sequence per repo). */
export interface FakeGitHubItem {
  number: number;
  kind: 'issue' | 'pull';
  title: string;
  body: string;
  state: 'open' | 'closed';
  stateReason: string | null;
  labels: string[];
  comments: FakeGitHubComment[];
  createdAt: string;
  updatedAt: string;
  user: string;
  /** Who applied each label and when (GitHub's `labeled` issue events), oldest first. */
  labelEvents?: Array<{ id: number; label: string; actor: string; createdAt: string }>;
  /** Logins assigned (issues and pull requests). */
  assignees?: string[];
  /** Pull requests only: reviews requested and not yet given, from users and teams. */
  requestedReviewers?: string[];
  requestedTeams?: string[];
  /** Pull requests only. */
  head?: string;
  base?: string;
  draft?: boolean;
  merged?: boolean;
  /** Pull requests only: the head commit, and what reviewers and CI said on it. */
  headSha?: string;
  reviews?: FakeGitHubReview[];
  reviewComments?: FakeGitHubReviewComment[];
  checkRuns?: FakeGitHubCheckRun[];
  /**
   * Pull requests only: whether it merges into its base as the test says it does (`clean`, `behind`, `dirty` …),
   * and when GitHub's background job will have computed it. Until then a single-PR read answers `mergeable: null`
   * and `mergeable_state: "unknown"`, as GitHub does after the head or the base moved.
   */
  mergeability?: { mergeable: boolean; state: string; readyAt: number | null };
}

export interface FakeGitHubReview {
  id: number;
  body: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED';
  user: string;
  submittedAt: string;
}

export interface FakeGitHubReviewComment {
  id: number;
  body: string;
  user: string;
  path: string;
  line: number;
  createdAt: string;
}

export interface FakeGitHubCheckRun {
  id: number;
  name: string;
  headSha: string;
  conclusion: 'success' | 'failure' | 'timed_out' | 'cancelled';
  completedAt: string;
  output: { title: string; summary: string; text: string };
}

/** The fake's repositories and their issues, pull requests and comments. */
export class GitHubStore {
  private readonly repos = new Map<string, FakeGitHubItem[]>();
  /** `repo:login` (lower case) → author_association; an owner is OWNER, anyone not listed NONE, as GitHub computes it. */
  private readonly associations = new Map<string, string>();

  setAssociation(fullName: string, login: string, association: string): void {
    this.associations.set(`${fullName}:${login}`.toLowerCase(), association);
  }

  /** GitHub's `author_association` of `login` on the repo, as of now (GitHub computes it when it answers). */
  association(fullName: string, login: string): string {
    if (fullName.split('/')[0]!.toLowerCase() === login.toLowerCase()) return 'OWNER';
    return this.associations.get(`${fullName}:${login}`.toLowerCase()) ?? 'NONE';
  }
  private commentId = 1;
  private clock = Date.parse('2025-01-01T00:00:00Z');

  repo(fullName: string, create = false): FakeGitHubItem[] | undefined {
    let items = this.repos.get(fullName.toLowerCase());
    if (!items && create) this.repos.set(fullName.toLowerCase(), (items = []));
    return items;
  }

  hasRepo(fullName: string): boolean {
    return this.repos.has(fullName.toLowerCase());
  }

  add(
    fullName: string,
    item: Omit<FakeGitHubItem, 'number' | 'createdAt' | 'updatedAt' | 'comments' | 'stateReason'> & {
      createdAt?: string;
    },
  ): FakeGitHubItem {
    const items = this.repo(fullName, true)!;
    const createdAt = item.createdAt ?? new Date((this.clock += 1000)).toISOString();
    const full: FakeGitHubItem = {
      ...item,
      number: items.length + 1,
      createdAt,
      updatedAt: createdAt,
      comments: [],
      stateReason: null,
    };
    if (full.kind === 'pull') full.headSha ??= fakeSha(`${fullName}#${full.number}`);
    items.push(full);
    return full;
  }

  comment(item: FakeGitHubItem, body: string, user: string): FakeGitHubComment {
    const comment = { id: this.commentId++, body, user, createdAt: new Date().toISOString() };
    item.comments.push(comment);
    this.touch(item);
    return comment;
  }

  /** Replaces the item's labels; each one it did not have is a `labeled` event by `actor`. */
  setLabels(item: FakeGitHubItem, labels: string[], actor: string): void {
    for (const label of labels)
      if (!item.labels.some((l) => l.toLowerCase() === label.toLowerCase()))
        item.labelEvents = [
          ...(item.labelEvents ?? []),
          { id: this.nextId(), label, actor, createdAt: new Date().toISOString() },
        ];
    item.labels = [...labels];
  }

  /** A new id for a review, review comment or check run (GitHub's ids are global too). */
  nextId(): number {
    return this.commentId++;
  }

  touch(item: FakeGitHubItem): void {
    item.updatedAt = new Date(Math.max(Date.now(), Date.parse(item.updatedAt) + 1000)).toISOString();
  }
}

/** A stable 40-hex commit id for a fake head. */
export function fakeSha(seed: string): string {
  let h = 2166136261;
  let out = '';
  for (let round = 0; out.length < 40; round++) {
    for (const ch of `${seed}:${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, 40);
}
