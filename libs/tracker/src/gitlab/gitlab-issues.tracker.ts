import { Gitlab } from '@gitbeaker/rest';
import type { Ticket } from '@nightshift/domain';

import { TrackerAuthError, TrackerRateLimitedError, TrackerRequestError, TrackerUnavailableError } from '../errors';
import { parseBlockers } from '../github/github-errors';
import { mustParsePrefixedKey, parsePrefixedKey } from '../prefixed-key';
import { compareDispatch, normalizeLabels } from '../ticket-file';
import type { Tracker, TrackerBudget, TrackerTicket, TrackerUsage } from '../tracker';
import type { WorkflowStates } from '../workflow-states';
import { GitLabHttpError, gitlabRequesterFn } from './gitlab-requester';

export interface GitLabIssuesTrackerOptions {
  /** Instance root, e.g. https://gitlab.com or a self-managed https://gitlab.example.com. */
  baseUrl: string;
  token: string;
  /** Name of the environment variable the token came from, for error messages. */
  tokenEnv: string;
  /** Projects whose issues are tickets; a ticket's key is `<keyPrefix>-<iid>`. */
  projects: Array<{ project: string; keyPrefix: string }>;
  /** State names are labels, scoped (`nightshift::in-progress`) or not; the done state also closes the issue. */
  states: WorkflowStates;
  /** The hourly request budget polling takes its share of (gitlab.com: 2,000 a minute per user). */
  requestsPerHour?: number;
}

interface IssueData {
  iid: number;
  title: string;
  description?: string | null;
  state: string;
  labels: string[];
  created_at: string;
  updated_at: string;
  web_url: string;
}

/**
 * GitLab issues as the board, through @gitbeaker/rest: a ticket's state is one of the configured
 * labels (GitLab keeps one label per `scope::` at a time), a closed issue is done, blockers are
 * "blocked by #N" in the description. A 429 or a spent `RateLimit-Remaining` stops calls until
 * `Retry-After` / `RateLimit-Reset`.
 */
export class GitLabIssuesTracker implements Tracker {
  readonly kind = 'gitlab';
  private readonly api: InstanceType<typeof Gitlab>;
  private readonly stateLabels: string[];
  private backoffUntil = 0;
  private requests = 0;
  private lastBudget?: TrackerBudget;

  constructor(private readonly opts: GitLabIssuesTrackerOptions) {
    if (opts.projects.length === 0) throw new TypeError('GitLabIssuesTracker: configure at least one project.');
    this.api = new Gitlab({
      host: opts.baseUrl,
      token: opts.token,
      requesterFn: gitlabRequesterFn((h) => this.readLimits(h)),
    });
    const s = opts.states;
    this.stateLabels = [...s.queue, s.inProgress, s.inReview, s.needsHuman, s.done];
  }

  budget(): TrackerBudget[] {
    return this.lastBudget ? [this.lastBudget] : [];
  }

  usage(): TrackerUsage {
    return {
      requests: this.requests,
      points: 0,
      budget: { requestsPerHour: this.opts.requestsPerHour ?? 120_000, pointsPerHour: 0 },
    };
  }

  /** Open, unblocked issues carrying any of the state labels, oldest first: one request per label per page of 100. */
  async listByStates(states: string[]): Promise<Ticket[]> {
    const found = new Map<string, TrackerTicket>();
    for (const { project, keyPrefix } of this.opts.projects)
      for (const label of states.filter((s) => s !== this.opts.states.done)) {
        const issues = (await this.call(`listing ${project} issues labeled ${label}`, () =>
          this.api.Issues.all({ projectId: project, labels: label, state: 'opened', perPage: 100 }),
        )) as unknown as IssueData[];
        for (const issue of issues) {
          const t = this.toTicket(project, keyPrefix, issue, []);
          found.set(t.key, t);
        }
      }
    const tickets = [...found.values()];
    await this.resolveBlockers(tickets);
    return tickets.filter((t) => !(t.blockedBy ?? []).some((b) => b.open)).sort(compareDispatch);
  }

  async getTicket(key: string): Promise<TrackerTicket | null> {
    const ref = this.parseKey(key);
    const issue = ref ? await this.issue(ref.project, ref.iid) : null;
    if (!ref || !issue) return null;
    const notes = (await this.call(`reading notes of ${key}`, () =>
      this.api.IssueNotes.all(ref.project, ref.iid, { perPage: 100 }),
    )) as unknown as Array<{ body: string; system?: boolean; author?: { username?: string }; created_at: string }>;
    const ticket = this.toTicket(
      ref.project,
      ref.prefix,
      issue,
      notes
        .filter((n) => !n.system)
        .map((n) => ({ author: n.author?.username ?? 'unknown', body: n.body, createdAt: n.created_at })),
    );
    await this.resolveBlockers([ticket]);
    return ticket;
  }

  async statesOf(keys: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const key of keys) {
      const ref = this.parseKey(key);
      const issue = ref ? await this.issue(ref.project, ref.iid) : null;
      if (issue) out.set(key, this.stateOf(issue));
    }
    return out;
  }

  /** One edit: adds the state label, removes the other state labels, closes for done and reopens otherwise. */
  async moveTo(key: string, state: string): Promise<void> {
    const ref = this.mustParse(key);
    const issue = await this.issue(ref.project, ref.iid);
    if (!issue)
      throw new TrackerRequestError('GitLab', `moving ${key}`, `issue #${ref.iid} does not exist in ${ref.project}`);
    const wantOpen = state !== this.opts.states.done;
    if (this.stateOf(issue) === state && (issue.state === 'opened') === wantOpen) return;
    const remove = issue.labels.filter((l) => l !== state && this.stateLabels.includes(l));
    await this.call(`moving ${key} to ${state}`, () =>
      this.api.Issues.edit(ref.project, ref.iid, {
        addLabels: state,
        ...(remove.length > 0 ? { removeLabels: remove.join(',') } : {}),
        stateEvent: wantOpen ? 'reopen' : 'close',
      }),
    );
  }

  async comment(key: string, body: string): Promise<void> {
    const ref = this.mustParse(key);
    await this.call(`commenting on ${key}`, () => this.api.IssueNotes.create(ref.project, ref.iid, body));
  }

  async addLabel(key: string, label: string): Promise<void> {
    const ref = this.mustParse(key);
    await this.call(`labeling ${key}`, () => this.api.Issues.edit(ref.project, ref.iid, { addLabels: label }));
  }

  private toTicket(project: string, prefix: string, issue: IssueData, comments: Ticket['comments']): TrackerTicket {
    const body = issue.description ?? '';
    return {
      key: `${prefix}-${issue.iid}`,
      id: String(issue.iid),
      title: issue.title,
      description: body,
      state: this.stateOf(issue),
      labels: normalizeLabels(issue.labels.filter((l) => !this.stateLabels.includes(l))),
      priority: 0,
      createdAt: issue.created_at,
      updatedAt: issue.updated_at,
      url: issue.web_url,
      comments,
      blockedBy: parseBlockers(body, project).map((b) => ({
        key: `${b.repo}#${b.number}`,
        state: 'unknown',
        open: true,
      })),
    };
  }

  private stateOf(issue: IssueData): string {
    if (issue.state === 'closed') return this.opts.states.done;
    return this.stateLabels.find((s) => issue.labels.includes(s)) ?? 'opened';
  }

  /** Each project's distinct blockers in one listing by `iids[]` per 100 (most tickets have none, so usually free). */
  private async resolveBlockers(tickets: TrackerTicket[]): Promise<void> {
    const wanted = new Map<string, Set<number>>();
    for (const t of tickets)
      for (const b of t.blockedBy ?? []) {
        const [project, iid] = b.key.split('#') as [string, string];
        wanted.set(project, (wanted.get(project) ?? new Set()).add(Number(iid)));
      }
    const found = new Map<string, IssueData>();
    for (const [project, iids] of wanted) {
      const all = [...iids];
      for (let i = 0; i < all.length; i += 100) {
        const issues = (await this.call(`reading the blockers in ${project}`, () =>
          this.api.Issues.all({ projectId: project, iids: all.slice(i, i + 100), perPage: 100 }),
        )) as unknown as IssueData[];
        for (const issue of issues) found.set(`${project}#${issue.iid}`, issue);
      }
    }
    for (const t of tickets)
      t.blockedBy = (t.blockedBy ?? []).map((b) => {
        const [project, iid] = b.key.split('#') as [string, string];
        const issue = found.get(b.key);
        const own = this.opts.projects.find((p) => p.project === project);
        return {
          key: own ? `${own.keyPrefix}-${iid}` : b.key,
          state: issue ? this.stateOf(issue) : 'missing',
          open: issue?.state === 'opened',
        };
      });
  }

  private async issue(project: string, iid: number): Promise<IssueData | null> {
    try {
      return (await this.call(
        `reading ${project}#${iid}`,
        () => this.api.Issues.show(iid, { projectId: project }),
        true,
      )) as unknown as IssueData;
    } catch (err) {
      if (err instanceof GitLabHttpError && err.status === 404) return null;
      throw err;
    }
  }

  /** Counts the request, refuses it while a limit lasts, reads the RateLimit-* headers, maps failures. */
  private async call<T>(operation: string, fn: () => Promise<T>, passMissing = false): Promise<T> {
    if (Date.now() < this.backoffUntil) throw new TrackerRateLimitedError('GitLab', this.backoffUntil);
    this.requests += 1;
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof GitLabHttpError))
        throw new TrackerUnavailableError('GitLab', undefined, String(err), { cause: err });
      if (passMissing && err.status === 404) throw err;
      if (err.status === 429) {
        const after = Number(err.headers['retry-after']);
        const reset = Number(err.headers['ratelimit-reset']) * 1000;
        this.backoffUntil = Number.isFinite(after)
          ? Date.now() + after * 1000
          : reset > Date.now()
            ? reset
            : Date.now() + 60_000;
        throw new TrackerRateLimitedError('GitLab', this.backoffUntil, { cause: err });
      }
      if (err.status === 401 || err.status === 403)
        throw new TrackerAuthError('GitLab', this.opts.tokenEnv, `HTTP ${err.status}`, { cause: err });
      if (err.status >= 500)
        throw new TrackerUnavailableError('GitLab', err.status, err.body.slice(0, 200), { cause: err });
      throw new TrackerRequestError('GitLab', operation, err.body.slice(0, 300), { cause: err });
    }
  }

  private readLimits(headers: Record<string, string>): void {
    const limit = Number(headers['ratelimit-limit']);
    const remaining = Number(headers['ratelimit-remaining']);
    const reset = Number(headers['ratelimit-reset']);
    if ([limit, remaining, reset].every(Number.isFinite))
      this.lastBudget = { kind: 'requests', limit, remaining, resetAt: reset * 1000, at: Date.now() };
  }

  private parseKey(key: string): { project: string; prefix: string; iid: number } | null {
    const ref = parsePrefixedKey(key, this.opts.projects);
    return ref ? { project: ref.source.project, prefix: ref.source.keyPrefix, iid: ref.number } : null;
  }

  private mustParse(key: string): { project: string; prefix: string; iid: number } {
    const ref = mustParsePrefixedKey('GitLab', key, this.opts.projects);
    return { project: ref.source.project, prefix: ref.source.keyPrefix, iid: ref.number };
  }
}
