import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { type Fault, FaultSwitch } from '../fault-switch';
import { LocalServer, type LoggedRequest, readBody, sendJson } from '../http-util';
import { githubSignature } from '../webhook-signatures';
import { issueJson } from './github-json';
import { GITHUB_LIMITS, type GitHubLimits, GitHubRateLimiter } from './github-limits';
import type { RouteContext } from './github-route-answers';
import { githubRoutes } from './github-routes';
import { type FakeGitHubItem, GitHubStore } from './github-store';
import { tokenRoutes } from './github-token-routes';

export interface FakeGitHubOptions {
  /** The token requests must carry (`Authorization: token …` or `Bearer …`). */
  token: string;
  /** Repositories (`owner/name`) that exist; anything else answers 404. */
  repos: string[];
  /** Whether a branch exists on the repo; a PR for a missing head is refused with 422, as GitHub does. Default: always. */
  headExists?: (repo: string, branch: string) => boolean;
  /** Login recorded on what the token's owner writes. */
  login?: string;
  /** A classic token's scopes (the `x-oauth-scopes` header); unset: a fine-grained token, no header. */
  scopes?: string;
  /** Whether the token may push to the repos (`permissions.push`). Default true. */
  canPush?: boolean;
  /**
   * Logins with write access to every repo (`author_association` COLLABORATOR), besides the token's
   * own login; default `['reviewer', 'human']`, the helpers' default authors. Anyone else is NONE, as on a
   * public repository; `setAssociation` changes one.
   */
  collaborators?: string[];
  /** Team slugs of the owner that reviews may be requested from. Default: none. */
  teams?: string[];
  /** GitHub's primary and secondary limits (GITHUB_LIMITS by default); a test scales the windows down to reach one in seconds. */
  limits?: Partial<GitHubLimits>;
}

/** A pull request as a test reads it back. */
export interface FakePullView {
  repo: string;
  number: number;
  url: string;
  head: string;
  base: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  draft: boolean;
  labels: string[];
  /** Reviews requested (users, then teams) and assignees. */
  reviewers: string[];
  teamReviewers: string[];
  assignees: string[];
}

/**
 * A local GitHub REST API for the endpoints Nightshift uses (pulls, issues, labels, comments, reviews,
 * review comments, check runs), with
 * GitHub's response shapes, Link pagination, rate-limit headers and error bodies. The real Octokit
 * talks to it through `baseUrl`. Requests are logged and faults can be armed.
 */
export class FakeGitHub {
  readonly store = new GitHubStore();
  readonly requests: LoggedRequest[] = [];
  readonly faults = new FaultSwitch();
  /** The token's rate limits; `limiter.hits` lists every request a limit refused. */
  readonly limiter: GitHubRateLimiter;
  private readonly server = new LocalServer((req, res) => this.handle(req, res));
  private origin?: string;

  constructor(private readonly opts: FakeGitHubOptions) {
    this.limiter = new GitHubRateLimiter({ ...GITHUB_LIMITS, ...opts.limits });
    for (const repo of opts.repos) {
      this.store.repo(repo, true);
      for (const login of [opts.login ?? 'nightshift-bot', ...(opts.collaborators ?? ['reviewer', 'human'])])
        this.store.setAssociation(repo, login, 'COLLABORATOR');
    }
  }

  /** Gives `login` an `author_association` on the repo (COLLABORATOR, MEMBER, CONTRIBUTOR, NONE…). */
  setAssociation(repo: string, login: string, association: string): void {
    this.store.setAssociation(repo, login, association);
  }

  /** Starts the server; resolves to the base URL to give Octokit. */
  async start(): Promise<string> {
    this.origin = await this.server.listen();
    return this.origin;
  }

  get baseUrl(): string {
    if (!this.origin) throw new Error('FakeGitHub is not started');
    return this.origin;
  }

  stop(): Promise<void> {
    return this.server.close();
  }

  /**
   * An issue opened on github.com by `user` (default `human`, a collaborator only if listed), its
   * labels applied by `labeledBy` (default: the author, as an issue form's labels are).
   */
  createIssue(
    repo: string,
    input: {
      title: string;
      body?: string;
      labels?: string[];
      state?: 'open' | 'closed';
      user?: string;
      labeledBy?: string;
    },
  ): number {
    const user = input.user ?? 'human';
    const item = this.store.add(repo, {
      kind: 'issue',
      title: input.title,
      body: input.body ?? '',
      labels: [],
      state: input.state ?? 'open',
      user,
    });
    this.store.setLabels(item, input.labels ?? [], input.labeledBy ?? user);
    return item.number;
  }

  /** A PR opened outside the code under test (e.g. by an earlier run that crashed before recording it). */
  createPull(
    repo: string,
    input: { head: string; base?: string; title: string; body?: string; draft?: boolean },
  ): FakePullView {
    const item = this.store.add(repo, {
      kind: 'pull',
      title: input.title,
      body: input.body ?? '',
      labels: [],
      state: 'open',
      user: this.opts.login ?? 'nightshift-bot',
      head: input.head,
      base: input.base ?? 'main',
      draft: input.draft ?? false,
    });
    return this.pullView(repo, item);
  }

  pulls(repo?: string): FakePullView[] {
    const repos = repo ? [repo] : this.opts.repos;
    return repos.flatMap((r) =>
      (this.store.repo(r) ?? []).filter((i) => i.kind === 'pull').map((i) => this.pullView(r, i)),
    );
  }

  issue(repo: string, number: number): { state: string; labels: string[]; comments: string[]; title: string } {
    const item = this.item(repo, number);
    return {
      state: item.state,
      labels: [...item.labels],
      comments: item.comments.map((c) => c.body),
      title: item.title,
    };
  }

  /** A human (`by`, default `human`) edits an issue's labels or state on github.com. */
  editIssue(repo: string, number: number, change: { labels?: string[]; state?: 'open' | 'closed'; by?: string }): void {
    const item = this.item(repo, number);
    if (change.labels) this.store.setLabels(item, change.labels, change.by ?? 'human');
    if (change.state) item.state = change.state;
    this.store.touch(item);
  }

  /** A reviewer submits a review on a PR (e.g. CHANGES_REQUESTED with a summary). */
  addReview(
    repo: string,
    number: number,
    input: { body: string; state?: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED'; user?: string },
  ): void {
    const item = this.pull(repo, number);
    item.reviews = [
      ...(item.reviews ?? []),
      {
        id: this.store.nextId(),
        body: input.body,
        state: input.state ?? 'COMMENTED',
        user: input.user ?? 'reviewer',
        submittedAt: new Date().toISOString(),
      },
    ];
    this.store.touch(item);
  }

  /** A reviewer comments on a line of a PR's diff. */
  addReviewComment(
    repo: string,
    number: number,
    input: { body: string; path: string; line?: number; user?: string },
  ): void {
    const item = this.pull(repo, number);
    item.reviewComments = [
      ...(item.reviewComments ?? []),
      {
        id: this.store.nextId(),
        body: input.body,
        path: input.path,
        line: input.line ?? 1,
        user: input.user ?? 'reviewer',
        createdAt: new Date().toISOString(),
      },
    ];
    this.store.touch(item);
  }

  /** A human comments on a PR's conversation (an issue comment on the PR). */
  commentAsHuman(repo: string, number: number, body: string, login = 'reviewer'): void {
    this.store.comment(this.item(repo, number), body, login);
  }

  /** CI reports a completed check run on the PR's current head commit. */
  addCheckRun(
    repo: string,
    number: number,
    input: {
      name: string;
      conclusion: 'success' | 'failure' | 'timed_out' | 'cancelled';
      title?: string;
      summary?: string;
      text?: string;
    },
  ): void {
    const item = this.pull(repo, number);
    const output = { title: input.title ?? input.name, summary: input.summary ?? '', text: input.text ?? '' };
    item.checkRuns = [
      ...(item.checkRuns ?? []),
      {
        id: this.store.nextId(),
        name: input.name,
        headSha: item.headSha!,
        conclusion: input.conclusion,
        completedAt: new Date().toISOString(),
        output,
      },
    ];
  }

  /**
   * The base (or the head) moved: the PR now merges as `state` says (`clean`, `behind`: clean but behind its base,
   * `dirty`: conflicts). GitHub recomputes it lazily: the next single-PR read answers null and starts the job.
   */
  setMergeability(repo: string, number: number, state: 'clean' | 'behind' | 'dirty' | 'blocked' | 'unstable'): void {
    this.pull(repo, number).mergeability = { mergeable: state !== 'dirty', state, readyAt: null };
  }

  private pull(repo: string, number: number): FakeGitHubItem {
    const item = this.item(repo, number);
    if (item.kind !== 'pull') throw new Error(`fake GitHub: #${number} in ${repo} is an issue, not a pull request`);
    return item;
  }

  failWith(fault: Fault): void {
    this.faults.arm(fault);
  }

  /**
   * The body and headers GitHub would POST for an `issues` event on this issue, signed with `secret`. The event
   * just happened, so, as on GitHub, it bumps the issue's `updated_at` (the only time the signed body carries).
   */
  webhook(
    repo: string,
    number: number,
    secret: string,
    opts: { action?: string; label?: string; deliveryId?: string } = {},
  ): { body: string; headers: Record<string, string> } {
    const item = this.item(repo, number);
    this.store.touch(item);
    const payload: Record<string, unknown> = {
      action: opts.action ?? 'labeled',
      issue: issueJson('https://api.github.com', repo, item, this.store.association(repo, item.user)),
      repository: { full_name: repo, name: repo.split('/')[1], owner: { login: repo.split('/')[0] } },
      sender: { login: 'human', type: 'User' },
    };
    if (opts.label) payload['label'] = { name: opts.label };
    const body = JSON.stringify(payload);
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'issues',
        'x-github-delivery': opts.deliveryId ?? randomUUID(),
        'x-hub-signature-256': githubSignature(secret, body),
        'user-agent': 'GitHub-Hookshot/fake',
      },
    };
  }

  private item(repo: string, number: number): FakeGitHubItem {
    const item = this.store.repo(repo)?.find((i) => i.number === number);
    if (!item) throw new Error(`fake GitHub: no #${number} in ${repo}`);
    return item;
  }

  private pullView(repo: string, i: FakeGitHubItem): FakePullView {
    return {
      repo,
      number: i.number,
      url: `https://github.com/${repo}/pull/${i.number}`,
      head: i.head!,
      base: i.base!,
      title: i.title,
      body: i.body,
      state: i.state,
      draft: i.draft ?? false,
      labels: [...i.labels],
      reviewers: [...(i.requestedReviewers ?? [])],
      teamReviewers: [...(i.requestedTeams ?? [])],
      assignees: [...(i.assignees ?? [])],
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const log = (status: number) =>
      this.requests.push({ method: req.method ?? '', path: url.pathname, detail: url.search, status, at: Date.now() });
    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${this.opts.token}` && auth !== `Bearer ${this.opts.token}`) {
      await readBody(req);
      log(401);
      return sendJson(
        res,
        401,
        { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' },
        this.limiter.headers(),
      );
    }
    const refused = this.limiter.admit(req.method ?? 'GET', url.pathname);
    if (refused) {
      req.resume(); // answered at once, as GitHub does, whatever of the body is still coming
      log(refused.status);
      return sendJson(res, refused.status, refused.body, refused.headers);
    }
    // The request counts as in flight (GitHub's concurrency limit) from admission to its answer.
    try {
      await this.serve(req, res, url, await readBody(req), log);
    } finally {
      this.limiter.release();
    }
  }

  private async serve(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    text: string,
    log: (status: number) => void,
  ): Promise<void> {
    const what = `${req.method} ${url.pathname}`;
    const rateHeaders = this.limiter.headers();
    const fault = this.faults.take(what);
    if (fault) {
      const answer = faultAnswer(fault, rateHeaders);
      log(answer.status);
      return sendJson(res, answer.status, answer.body, answer.headers);
    }
    let body: Record<string, unknown> = {};
    if (text) {
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        log(400);
        return sendJson(
          res,
          400,
          { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/rest', status: '400' },
          rateHeaders,
        );
      }
    }
    const ctx: RouteContext = {
      store: this.store,
      api: this.baseUrl,
      login: this.opts.login ?? 'nightshift-bot',
      // Review requests and assignees: the token's owner and everyone with write access.
      collaborators: [this.opts.login ?? 'nightshift-bot', ...(this.opts.collaborators ?? ['reviewer', 'human'])],
      teams: this.opts.teams ?? [],
      headExists: this.opts.headExists ?? (() => true),
      query: url.searchParams,
      body,
      origin: this.baseUrl,
      path: url.pathname,
    };
    const answer =
      tokenRoutes(req.method ?? 'GET', url.pathname, ctx, {
        scopes: this.opts.scopes,
        canPush: this.opts.canPush ?? true,
      }) ?? githubRoutes(req.method ?? 'GET', url.pathname, ctx);
    const headers = { ...rateHeaders, ...(answer.headers ?? {}) };
    if (req.method === 'GET' && answer.status === 200) {
      // GitHub's conditional requests: a GET answers with an ETag; sent back in If-None-Match while the answer is
      // unchanged, it gets 304 with no body, and (authorized) costs no primary-limit request.
      const etag = `W/"${createHash('sha1')
        .update(JSON.stringify([answer.body, answer.headers?.['link']]))
        .digest('hex')}"`;
      if (req.headers['if-none-match'] === etag) {
        this.limiter.refundPrimary();
        log(304);
        res.writeHead(304, { ...this.limiter.headers(), etag });
        return void res.end();
      }
      headers['etag'] = etag;
    }
    log(answer.status);
    sendJson(res, answer.status, answer.body, headers);
  }
}

function faultAnswer(
  fault: Fault,
  rate: Record<string, string>,
): { status: number; body: unknown; headers: Record<string, string> } {
  const doc = 'https://docs.github.com/rest';
  switch (fault.kind) {
    case 'unauthorized':
      return {
        status: 401,
        body: { message: 'Bad credentials', documentation_url: doc, status: '401' },
        headers: rate,
      };
    case 'not_found':
      return { status: 404, body: { message: 'Not Found', documentation_url: doc, status: '404' }, headers: rate };
    case 'unprocessable':
      return {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [{ resource: 'Issue', code: 'custom', message: 'fake validation failure' }],
          documentation_url: doc,
          status: '422',
        },
        headers: rate,
      };
    case 'server_error':
      return { status: fault.status ?? 502, body: { message: 'Server Error' }, headers: rate };
    case 'rate_limited': {
      const reset = String(Math.ceil(Date.now() / 1000) + (fault.resetInSec ?? 2));
      return {
        status: 403,
        body: {
          message:
            'API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.',
          documentation_url: `${doc}/overview/rate-limits-for-the-rest-api`,
          status: '403',
        },
        headers: { ...rate, 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': reset },
      };
    }
    case 'secondary_rate_limited':
      return {
        status: 403,
        body: {
          message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url: `${doc}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
          status: '403',
        },
        headers: { ...rate, 'retry-after': String(fault.resetInSec ?? 1) },
      };
  }
}
