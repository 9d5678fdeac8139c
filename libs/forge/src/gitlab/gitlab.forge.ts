import { Gitlab } from '@gitbeaker/rest';
import { DEFAULT_TRUST, type TrustPolicy } from '@nightshift/domain';
import { GitLabHttpError, gitlabRequesterFn } from '@nightshift/tracker';

import { ForgeRemoteError } from '../errors';
import type { Forge, PrOpened, PullRequest, PullRequestDraft } from '../forge';
import { gitAuthEnv } from '../github/git-auth-env';
import { hasTicketTrailer, ticketsOf, withTicketTrailer } from '../pr-trailer';
import { pushBranch, type PushInput } from '../push-branch';
import type { FeedbackQuery, PrFeedback } from '../review-feedback';
import { readGitLabFeedback } from './gitlab-feedback';
import type { GitLabApi, MrData } from './gitlab-types';

export interface GitLabForgeOptions {
  /** Instance root, e.g. https://gitlab.com or a self-managed https://gitlab.example.com. */
  baseUrl: string;
  /** The token the API and git pushes use (scope `api`, `write_repository`). */
  token: string;
  /** Name of the environment variable the token came from, for error messages. */
  tokenEnv: string;
  /** Nightshift repo name → GitLab project path (`group/name`). */
  projects: Record<string, string>;
  /** Open new MRs as drafts. */
  draft?: boolean;
  /** Labels every Nightshift MR carries. */
  labels?: string[];
  /** Kill a `git push` that runs longer than this. Default 5 minutes. */
  pushTimeoutMs?: number;
  /** Nightshift repo name → whose notes count: GitLab reports no association, so only the listed `authors`. */
  trust?: Record<string, TrustPolicy>;
}

/**
 * GitLab merge requests as the forge, through @gitbeaker/rest: one open MR per source branch (looked
 * up before one is created; GitLab's 409 "another open merge request already exists" means another
 * runner won the race and ends in the same lookup), the ticket trailer in the description, labels,
 * notes. A 429 stops calls until `Retry-After` / `RateLimit-Reset` and fails as `rate_limited`.
 */
export class GitLabForge implements Forge {
  readonly kind = 'gitlab';
  private readonly api: GitLabApi;
  private backoffUntil = 0;

  constructor(private readonly opts: GitLabForgeOptions) {
    this.api = new Gitlab({ host: opts.baseUrl, token: opts.token, requesterFn: gitlabRequesterFn(() => undefined) });
  }

  /** Force-pushes HEAD to `branch`; the token reaches git as an HTTP header (user `oauth2`) for the remote's origin only. */
  pushBranch(input: PushInput): Promise<void> {
    return pushBranch(
      input,
      this.opts.pushTimeoutMs ?? 5 * 60_000,
      gitAuthEnv(input.remoteUrl, this.opts.token, process.env, 'oauth2'),
    );
  }

  async findOpenPr(repo: string, head: string): Promise<PullRequest | null> {
    const found = await this.findOpen(repo, head);
    return found ? this.toPullRequest(repo, found) : null;
  }

  async findOrCreatePr(draft: PullRequestDraft): Promise<PrOpened> {
    if (!draft.repo || !draft.head)
      throw new TypeError('GitLabForge.findOrCreatePr: a draft needs a repo and a head branch.');
    const project = this.project(draft.repo);
    const existing = await this.findOpen(draft.repo, draft.head);
    if (existing) {
      await this.ensureLabels(draft.repo, existing, draft.labels);
      return { pr: this.toPullRequest(draft.repo, existing), created: false };
    }
    const labels = [...new Set([...(this.opts.labels ?? []), ...(draft.labels ?? [])])];
    const title = (draft.draft ?? this.opts.draft) ? `Draft: ${draft.title}` : draft.title;
    let created: MrData;
    try {
      created = (await this.call(`opening a merge request for ${draft.head} in ${project}`, () =>
        this.api.MergeRequests.create(project, draft.head, draft.base, title, {
          description: withTicketTrailer(draft.body, draft.tickets),
          ...(labels.length ? { labels: labels.join(',') } : {}),
        }),
      )) as unknown as MrData;
    } catch (err) {
      if (err instanceof ForgeRemoteError && err.cause instanceof GitLabHttpError && err.cause.status === 409) {
        // Another runner opened it between our lookup and our create: theirs is the one.
        const raced = await this.findOpen(draft.repo, draft.head);
        if (raced) return { pr: this.toPullRequest(draft.repo, raced), created: false };
      }
      throw err;
    }
    return { pr: this.toPullRequest(draft.repo, created), created: true };
  }

  /** MRs Nightshift opened (trailer in the description or an `agent/` source branch) in every mapped project, oldest first. */
  async listPrs(): Promise<PullRequest[]> {
    const out: PullRequest[] = [];
    for (const repo of Object.keys(this.opts.projects)) {
      const project = this.project(repo);
      const mrs = await this.call(`listing merge requests of ${project}`, () =>
        // No `state`: GitLab lists every state then.
        this.api.MergeRequests.all({ projectId: project, perPage: 100 }),
      );
      for (const mr of mrs as unknown as MrData[])
        if (hasTicketTrailer(mr.description ?? '') || mr.source_branch.startsWith('agent/'))
          out.push(this.toPullRequest(repo, mr));
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async updatePr(
    repo: string,
    number: number,
    change: { title: string; body: string; tickets: string[] },
  ): Promise<void> {
    const project = this.project(repo);
    await this.call(`updating merge request !${number} of ${project}`, () =>
      this.api.MergeRequests.edit(project, number, {
        title: change.title,
        description: withTicketTrailer(change.body, change.tickets),
      }),
    );
  }

  /** Notes on the open MRs newer than each query's `since` (gitlab-feedback.ts). */
  async readFeedback(repo: string, queries: FeedbackQuery[]): Promise<PrFeedback[]> {
    const project = this.project(repo);
    const found = await readGitLabFeedback(
      this.api,
      project,
      queries,
      (what, fn) => this.call(what, fn),
      this.opts.trust?.[repo] ?? DEFAULT_TRUST,
    );
    return found.map((f) => ({ ...f, repo }));
  }

  async closePr(repo: string, number: number): Promise<void> {
    const project = this.project(repo);
    await this.call(`closing merge request !${number} of ${project}`, () =>
      this.api.MergeRequests.edit(project, number, { stateEvent: 'close' }),
    );
  }

  private async findOpen(repo: string, head: string): Promise<MrData | null> {
    const project = this.project(repo);
    const mrs = await this.call(`looking up the merge request for ${head} in ${project}`, () =>
      this.api.MergeRequests.all({ projectId: project, sourceBranch: head, state: 'opened', perPage: 10 }),
    );
    return (mrs as unknown as MrData[]).find((m) => m.source_branch === head) ?? null;
  }

  /** Adds the labels an MR lacks (one write, only when some are missing), so a rerun after a crash converges. */
  private async ensureLabels(repo: string, mr: MrData, extra: string[] = []): Promise<void> {
    const have = new Set((mr.labels ?? []).map((l) => l.toLowerCase()));
    const missing = [...new Set([...(this.opts.labels ?? []), ...extra])].filter((l) => !have.has(l.toLowerCase()));
    if (missing.length === 0) return;
    const project = this.project(repo);
    await this.call(`labeling merge request !${mr.iid} of ${project}`, () =>
      this.api.MergeRequests.edit(project, mr.iid, { addLabels: missing.join(',') }),
    );
    mr.labels = [...(mr.labels ?? []), ...missing];
  }

  private toPullRequest(repo: string, mr: MrData): PullRequest {
    const body = mr.description ?? '';
    return {
      number: mr.iid,
      url: mr.web_url,
      repo,
      head: mr.source_branch,
      base: mr.target_branch,
      title: mr.title,
      body,
      tickets: ticketsOf(body, mr.source_branch),
      state: mr.state === 'merged' ? 'merged' : mr.state === 'opened' ? 'open' : 'closed',
      createdAt: mr.created_at,
      ...(mr.draft ? { draft: true } : {}),
      ...(mr.labels?.length ? { labels: mr.labels } : {}),
    };
  }

  private project(repo: string): string {
    const path = this.opts.projects[repo];
    if (!path)
      throw new ForgeRemoteError(
        'GitLab',
        'rejected',
        `resolving repo ${repo}`,
        `forge.projects maps no GitLab project for "${repo}" (mapped: ${Object.keys(this.opts.projects).join(', ') || 'none'})`,
      );
    return path;
  }

  private async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    if (Date.now() < this.backoffUntil)
      throw new ForgeRemoteError('GitLab', 'rate_limited', operation, 'still waiting out a 429', this.backoffUntil);
    try {
      return await fn();
    } catch (err) {
      throw this.error(err, operation);
    }
  }

  private error(err: unknown, operation: string): ForgeRemoteError {
    if (!(err instanceof GitLabHttpError))
      return withCause(new ForgeRemoteError('GitLab', 'unavailable', operation, String(err)), err);
    const detail = `HTTP ${err.status} - ${err.body.slice(0, 300)}`;
    if (err.status === 429) {
      const after = Number(err.headers['retry-after']);
      const reset = Number(err.headers['ratelimit-reset']) * 1000;
      this.backoffUntil = Number.isFinite(after)
        ? Date.now() + after * 1000
        : reset > Date.now()
          ? reset
          : Date.now() + 60_000;
      return withCause(new ForgeRemoteError('GitLab', 'rate_limited', operation, detail, this.backoffUntil), err);
    }
    if (err.status === 401 || err.status === 403)
      return withCause(
        new ForgeRemoteError('GitLab', 'auth', operation, `${detail} (check the token in ${this.opts.tokenEnv})`),
        err,
      );
    const kind = err.status >= 500 ? 'unavailable' : 'rejected';
    return withCause(new ForgeRemoteError('GitLab', kind, operation, detail), err);
  }
}

function withCause(e: ForgeRemoteError, cause: unknown): ForgeRemoteError {
  Object.defineProperty(e, 'cause', { value: cause, enumerable: false });
  return e;
}
