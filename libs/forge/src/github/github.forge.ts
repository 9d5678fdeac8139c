import { DEFAULT_TRUST, type TrustPolicy } from '@nightshift/domain';
import { classifyGitHubError, type GitHubClient, splitRepo } from '@nightshift/github-client';

import { type ForgeFailureKind, ForgeRemoteError } from '../errors';
import type { Forge, PrOpened, PullRequest, PullRequestDraft } from '../forge';
import { hasTicketTrailer, ticketsOf, withTicketTrailer as withMarker } from '../pr-trailer';
import { pushBranch, type PushInput } from '../push-branch';
import type { FeedbackQuery, PrFeedback } from '../review-feedback';
import { gitAuthEnv } from './git-auth-env';
import { readGitHubFeedback } from './github-feedback';
import { type Mergeability, type MergeableOptions, readMergeable, updatePrBranch } from './github-mergeable';
import { type AssignmentContext, assignPr, logins } from './github-pr-assignment';
import { LatestUpdateWins } from './latest-update-wins';

export interface GitHubForgeOptions {
  client: GitHubClient;
  /** The token git pushes with (the same the client uses). */
  token: string;
  /** Nightshift repo name → GitHub `owner/name`. */
  repos: Record<string, string>;
  /** Open new PRs as drafts. */
  draft?: boolean;
  /** Labels every Nightshift PR carries. */
  labels?: string[];
  /** Kill a `git push` that runs longer than this. Default 5 minutes. */
  pushTimeoutMs?: number;
  /** Nightshift repo name → whose feedback counts (trusted-author.ts); default DEFAULT_TRUST. */
  trust?: Record<string, TrustPolicy>;
}

interface PullData {
  number: number;
  html_url: string;
  title: string;
  body?: string | null;
  state: string;
  merged_at?: string | null;
  created_at: string;
  head: { ref: string };
  base: { ref: string };
  labels?: Array<{ name?: string }>;
  draft?: boolean;
  requested_reviewers?: Array<{ login?: string }> | null;
  requested_teams?: Array<{ slug?: string }> | null;
  assignees?: Array<{ login?: string }> | null;
}

/**
 * GitHub pull requests as the forge. The branch is pushed with the token handed to git through its
 * environment; the PR is looked up by head `owner:branch` before one is created, and a 422 "already
 * exists" (another runner won the race) ends in the same lookup, so a head never gets two PRs.
 */
export class GitHubForge implements Forge {
  readonly kind = 'github';
  /** A PR's body edits waiting for the content bucket collapse into one: only the latest is worth a write. */
  private readonly prUpdates = new LatestUpdateWins<{ title: string; body: string }>((key, change) =>
    this.sendPrUpdate(key, change),
  );

  constructor(private readonly opts: GitHubForgeOptions) {}

  /** Force-pushes HEAD to `branch`; the token reaches git as an HTTP header for the remote's origin only. */
  pushBranch(input: PushInput): Promise<void> {
    return pushBranch(input, this.opts.pushTimeoutMs ?? 5 * 60_000, gitAuthEnv(input.remoteUrl, this.opts.token));
  }

  async findOpenPr(repo: string, head: string): Promise<PullRequest | null> {
    const data = await this.findOpen(repo, head);
    return data ? this.toPullRequest(repo, data) : null;
  }

  /** The open PR for the head, created (as a draft when configured, with the labels) if there is none. */
  async findOrCreatePr(draft: PullRequestDraft): Promise<PrOpened> {
    if (!draft.repo || !draft.head)
      throw new TypeError('GitHubForge.findOrCreatePr: a draft needs a repo and a head branch.');
    const existing = await this.findOpen(draft.repo, draft.head);
    if (existing) {
      await this.ensureLabels(draft.repo, existing, draft.labels);
      await assignPr(this.assignment(draft.repo), existing, { assignees: draft.assignees });
      return { pr: this.toPullRequest(draft.repo, existing), created: false };
    }
    const where = this.where(draft.repo);
    let created: PullData;
    try {
      created = (
        await this.opts.client.rest.pulls.create({
          ...where,
          head: draft.head,
          base: draft.base,
          title: draft.title,
          body: withMarker(draft.body, draft.tickets),
          draft: draft.draft ?? this.opts.draft ?? false,
        })
      ).data as PullData;
    } catch (err) {
      const failure = classifyGitHubError(err);
      if (failure.kind === 'invalid' && failure.details.some((d) => /already exists/i.test(d))) {
        // Another runner opened it between our lookup and our create: theirs is the one.
        const raced = await this.findOpen(draft.repo, draft.head);
        if (raced) return { pr: this.toPullRequest(draft.repo, raced), created: false };
      }
      throw this.error(err, `opening a PR for ${draft.head} in ${where.owner}/${where.repo}`);
    }
    await this.ensureLabels(draft.repo, created, draft.labels);
    const refused = await assignPr(this.assignment(draft.repo), created, draft);
    return { pr: this.toPullRequest(draft.repo, created), created: true, ...(refused.length ? { refused } : {}) };
  }

  /** PRs Nightshift opened (marker in the body or an `agent/` head) in every mapped repo, oldest first. */
  async listPrs(): Promise<PullRequest[]> {
    const out: PullRequest[] = [];
    for (const repo of Object.keys(this.opts.repos)) {
      const where = this.where(repo);
      const pulls = await this.call(`listing PRs of ${where.owner}/${where.repo}`, () =>
        this.opts.client.paginate(this.opts.client.rest.pulls.list, { ...where, state: 'all', per_page: 100 }),
      );
      for (const p of pulls as PullData[])
        if (hasTicketTrailer(p.body ?? '') || p.head.ref.startsWith('agent/')) out.push(this.toPullRequest(repo, p));
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /**
   * Replaces title and body (the ticket marker kept), so the PR tells what the latest push holds.
   * Edits of one PR made while an earlier one waits its turn are coalesced: GitHub gets the latest.
   */
  async updatePr(
    repo: string,
    number: number,
    change: { title: string; body: string; tickets: string[] },
  ): Promise<void> {
    this.where(repo);
    await this.prUpdates.submit(JSON.stringify([repo, number]), {
      title: change.title,
      body: withMarker(change.body, change.tickets),
    });
  }

  private async sendPrUpdate(key: string, change: { title: string; body: string }): Promise<void> {
    const [repo, number] = JSON.parse(key) as [string, number];
    const where = this.where(repo);
    await this.call(`updating PR #${number} of ${where.owner}/${where.repo}`, () =>
      this.opts.client.rest.pulls.update({ ...where, pull_number: number, title: change.title, body: change.body }),
    );
  }

  /** Reviews, line comments, PR comments and failed check runs newer than each query's `since` (see readGitHubFeedback). */
  async readFeedback(repo: string, queries: FeedbackQuery[]): Promise<PrFeedback[]> {
    const found = await readGitHubFeedback(
      this.opts.client,
      this.where(repo),
      queries,
      (what, fn) => this.call(what, fn),
      this.opts.trust?.[repo] ?? DEFAULT_TRUST,
    );
    return found.map((f) => ({ ...f, repo }));
  }

  async closePr(repo: string, number: number): Promise<void> {
    const where = this.where(repo);
    await this.call(`closing PR #${number} of ${where.owner}/${where.repo}`, () =>
      this.opts.client.rest.pulls.update({ ...where, pull_number: number, state: 'closed' }),
    );
  }

  private async findOpen(repo: string, head: string): Promise<PullData | null> {
    const where = this.where(repo);
    const res = await this.call(`looking up the PR for ${head} in ${where.owner}/${where.repo}`, () =>
      this.opts.client.rest.pulls.list({ ...where, state: 'open', head: `${where.owner}:${head}`, per_page: 10 }),
    );
    const pulls = res.data as PullData[];
    return pulls.find((p) => p.head.ref === head) ?? null;
  }

  /** Adds the configured labels a PR lacks (one write, only when some are missing), so a rerun after a crash converges. */
  private async ensureLabels(repo: string, pr: PullData, extra: string[] = []): Promise<void> {
    const have = new Set((pr.labels ?? []).map((l) => (l.name ?? '').toLowerCase()));
    const missing = [...new Set([...(this.opts.labels ?? []), ...extra])].filter((l) => !have.has(l.toLowerCase()));
    if (missing.length === 0) return;
    const where = this.where(repo);
    await this.call(`labeling PR #${pr.number} of ${where.owner}/${where.repo}`, () =>
      this.opts.client.rest.issues.addLabels({ ...where, issue_number: pr.number, labels: missing }),
    );
    pr.labels = [...(pr.labels ?? []), ...missing.map((name) => ({ name }))];
  }

  private toPullRequest(repo: string, p: PullData): PullRequest {
    const body = p.body ?? '';
    const tickets = ticketsOf(body, p.head.ref);
    return {
      number: p.number,
      url: p.html_url,
      repo,
      head: p.head.ref,
      base: p.base.ref,
      title: p.title,
      body,
      tickets,
      state: p.merged_at ? 'merged' : p.state === 'open' ? 'open' : 'closed',
      createdAt: p.created_at,
      ...(p.draft ? { draft: true } : {}),
      ...(p.labels?.length ? { labels: p.labels.map((l) => l.name ?? '').filter(Boolean) } : {}),
      ...logins('reviewers', p.requested_reviewers),
      ...logins(
        'teamReviewers',
        p.requested_teams?.map((t) => ({ login: t.slug })),
      ),
      ...logins('assignees', p.assignees),
    };
  }

  private assignment(repo: string): AssignmentContext {
    const where = this.where(repo);
    return { client: this.opts.client, where, error: (err, what) => this.error(err, what) };
  }

  /** Whether PR `number` of `repo` merges into its base, asking again while GitHub computes it (github-mergeable.ts). */
  mergeability(repo: string, number: number, opts?: MergeableOptions): Promise<Mergeability> {
    const where = this.where(repo);
    return this.call(`reading whether PR #${number} of ${repo} merges`, () =>
      readMergeable(this.opts.client, where, number, opts),
    );
  }

  updateBranch(repo: string, number: number, expectedHeadSha: string): Promise<'updated' | 'head_moved'> {
    const where = this.where(repo);
    return this.call(`merging the base into PR #${number} of ${repo}`, () =>
      updatePrBranch(this.opts.client, where, number, expectedHeadSha),
    );
  }

  private where(repo: string): { owner: string; repo: string } {
    const full = this.opts.repos[repo];
    if (!full)
      throw new ForgeRemoteError(
        'GitHub',
        'rejected',
        `resolving repo ${repo}`,
        `forge.repos maps no GitHub repository for "${repo}" (mapped: ${Object.keys(this.opts.repos).join(', ') || 'none'})`,
      );
    return splitRepo(full);
  }

  private async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.error(err, operation);
    }
  }

  private error(err: unknown, operation: string): ForgeRemoteError {
    const f = classifyGitHubError(err);
    const kind: ForgeFailureKind =
      f.kind === 'auth' || f.kind === 'rate_limited' || f.kind === 'unavailable' ? f.kind : 'rejected';
    return new ForgeRemoteError(
      'GitHub',
      kind,
      operation,
      [f.status ? `HTTP ${f.status}` : '', f.message, ...f.details].filter(Boolean).join(' - '),
      f.retryAt,
    );
  }
}
