import { DEFAULT_TRUST, type Ticket, type TrustPolicy } from '@nightshift/domain';
import { type GitHubClient, splitRepo } from '@nightshift/github-client';

import { TrackerRateLimitedError, TrackerRequestError } from '../errors';
import { mustParsePrefixedKey, parsePrefixedKey } from '../prefixed-key';
import { compareDispatch, normalizeLabels } from '../ticket-file';
import type { Blocker, Tracker, TrackerTicket } from '../tracker';
import type { WorkflowStates } from '../workflow-states';
import { parseBlockers, toTrackerError } from './github-errors';
import { type AuthoredByGitHub, IssueAdmission, trustedOnGitHub } from './issue-trust';

export interface GitHubIssuesTrackerOptions {
  client: GitHubClient;
  /** Name of the environment variable the token came from, for error messages. */
  tokenEnv: string;
  /** Repositories whose issues are tickets; a ticket's key is `<keyPrefix>-<issue number>`. */
  repos: Array<{ repo: string; keyPrefix: string }>;
  /** State names are labels (the done state also closes the issue). */
  states: WorkflowStates;
  /** Whose issues and comments count (issue-trust.ts); default DEFAULT_TRUST. */
  trust?: TrustPolicy;
}

interface IssueData extends AuthoredByGitHub {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  labels: Array<string | { name?: string }>;
  created_at: string;
  updated_at: string;
  html_url: string;
  pull_request?: unknown;
}

/** The state an open issue without any state label is reported in. */
export const UNLABELED_STATE = 'open';

/**
 * GitHub Issues as the board, through Octokit: a ticket's state is one of the configured state
 * labels (a closed issue is done), blockers come from "blocked by #N" in the body. Listing costs
 * one request per queue label per page of 100; a move is one read and one write.
 */
export class GitHubIssuesTracker implements Tracker {
  readonly kind = 'github';
  private readonly stateLabels: string[];
  private backoffUntil = 0;
  private readonly trust: TrustPolicy;
  private readonly admission: IssueAdmission;

  constructor(private readonly opts: GitHubIssuesTrackerOptions) {
    if (opts.repos.length === 0)
      throw new TypeError('GitHubIssuesTracker: configure at least one repo (tracker.repos).');
    const s = opts.states;
    this.stateLabels = [...s.queue, s.inProgress, s.inReview, s.needsHuman, s.done];
    this.trust = opts.trust ?? DEFAULT_TRUST;
    this.admission = new IssueAdmission(opts.client, this.trust, (what, fn) => this.call(what, fn));
  }

  /** Open, unblocked issues carrying any of the state labels, oldest first (GitHub issues have no priority). */
  async listByStates(states: string[]): Promise<Ticket[]> {
    const found = new Map<string, TrackerTicket>();
    for (const { repo, keyPrefix } of this.opts.repos) {
      for (const label of states.filter((s) => s !== this.opts.states.done)) {
        const issues = await this.call(`listing ${repo} issues labeled ${label}`, () =>
          this.opts.client.paginate(this.opts.client.rest.issues.listForRepo, {
            ...splitRepo(repo),
            state: 'open',
            labels: label,
            per_page: 100,
          }),
        );
        for (const issue of issues as IssueData[]) {
          if (issue.pull_request) continue;
          // An outsider's issue waits until a trusted person applies the queue label.
          if (this.opts.states.queue.includes(label) && !(await this.admission.admitted(repo, issue, [label])))
            continue;
          const t = this.toTicket(repo, keyPrefix, issue, []);
          found.set(t.key, t);
        }
      }
    }
    const tickets = [...found.values()];
    await this.resolveBlockers(tickets);
    return tickets.filter((t) => !(t.blockedBy ?? []).some((b) => b.open)).sort(compareDispatch);
  }

  /** The issue with every comment and its blockers, or null when the key names no issue (or a pull request). */
  async getTicket(key: string): Promise<TrackerTicket | null> {
    const ref = this.parseKey(key);
    if (!ref) return null;
    const issue = await this.issue(ref.repo, ref.number);
    if (!issue || issue.pull_request) return null;
    const comments = await this.call(`reading comments of ${key}`, () =>
      this.opts.client.paginate(this.opts.client.rest.issues.listComments, {
        ...splitRepo(ref.repo),
        issue_number: ref.number,
        per_page: 100,
      }),
    );
    // Only trusted authors' comments reach the ticket, and so the prompt.
    const ticket = this.toTicket(
      ref.repo,
      ref.prefix,
      issue,
      comments
        .filter((c) => trustedOnGitHub(c, this.trust))
        .map((c) => ({ author: c.user?.login ?? 'unknown', body: c.body ?? '', createdAt: c.created_at })),
    );
    // An outsider's issue in a queue label a trusted person did not apply is not queued (webhooks and the router read this).
    if (
      this.opts.states.queue.includes(ticket.state) &&
      !(await this.admission.admitted(ref.repo, issue, [ticket.state]))
    )
      ticket.state = UNLABELED_STATE;
    await this.resolveBlockers([ticket]);
    return ticket;
  }

  async statesOf(keys: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const key of keys) {
      const ref = this.parseKey(key);
      const issue = ref ? await this.issue(ref.repo, ref.number) : null;
      if (issue && !issue.pull_request) out.set(key, this.stateOf(issue));
    }
    return out;
  }

  /** Swaps the state label in one write; the done state also closes the issue, any other reopens it. */
  async moveTo(key: string, state: string): Promise<void> {
    const ref = this.mustParse(key);
    const issue = await this.issue(ref.repo, ref.number);
    if (!issue)
      throw new TrackerRequestError('GitHub', `moving ${key}`, `issue #${ref.number} does not exist in ${ref.repo}`);
    const labels = labelNames(issue);
    const kept = labels.filter((l) => !this.stateLabels.some((s) => s.toLowerCase() === l.toLowerCase()));
    const next = [...kept, state];
    const wantOpen = state === this.opts.states.done ? 'closed' : 'open';
    const sameLabels =
      next.length === labels.length && next.every((l) => labels.some((x) => x.toLowerCase() === l.toLowerCase()));
    if (sameLabels && issue.state === wantOpen) return;
    await this.call(`moving ${key} to ${state}`, () =>
      this.opts.client.rest.issues.update({
        ...splitRepo(ref.repo),
        issue_number: ref.number,
        labels: next,
        state: wantOpen,
        ...(wantOpen === 'closed' ? { state_reason: 'completed' as const } : {}),
      }),
    );
  }

  async comment(key: string, body: string): Promise<void> {
    const ref = this.mustParse(key);
    await this.call(`commenting on ${key}`, () =>
      this.opts.client.rest.issues.createComment({ ...splitRepo(ref.repo), issue_number: ref.number, body }),
    );
  }

  async addLabel(key: string, label: string): Promise<void> {
    const ref = this.mustParse(key);
    await this.call(`labeling ${key}`, () =>
      this.opts.client.rest.issues.addLabels({ ...splitRepo(ref.repo), issue_number: ref.number, labels: [label] }),
    );
  }

  private toTicket(repo: string, prefix: string, issue: IssueData, comments: Ticket['comments']): TrackerTicket {
    const labels = labelNames(issue).filter((l) => !this.stateLabels.some((s) => s.toLowerCase() === l.toLowerCase()));
    const body = issue.body ?? '';
    return {
      key: `${prefix}-${issue.number}`,
      id: String(issue.number),
      title: issue.title,
      description: body,
      state: this.stateOf(issue),
      labels: normalizeLabels(labels),
      priority: 0,
      createdAt: issue.created_at,
      updatedAt: issue.updated_at,
      url: issue.html_url,
      comments,
      blockedBy: parseBlockers(body, repo).map((b) => ({ key: `${b.repo}#${b.number}`, state: 'unknown', open: true })),
    };
  }

  private stateOf(issue: IssueData): string {
    if (issue.state === 'closed') return this.opts.states.done;
    const labels = labelNames(issue).map((l) => l.toLowerCase());
    return this.stateLabels.find((s) => labels.includes(s.toLowerCase())) ?? UNLABELED_STATE;
  }

  /** Looks each distinct blocker up once (most tickets have none, so this is usually free). */
  private async resolveBlockers(tickets: TrackerTicket[]): Promise<void> {
    const seen = new Map<string, Blocker>();
    for (const t of tickets) {
      const resolved: Blocker[] = [];
      for (const b of t.blockedBy ?? []) {
        if (!seen.has(b.key)) {
          const [repo, number] = b.key.split('#') as [string, string];
          const issue = await this.issue(repo, Number(number));
          const own = this.opts.repos.find((r) => r.repo.toLowerCase() === repo.toLowerCase());
          seen.set(b.key, {
            key: own ? `${own.keyPrefix}-${number}` : b.key,
            state: issue ? this.stateOf(issue) : 'missing',
            open: issue?.state === 'open',
          });
        }
        resolved.push(seen.get(b.key)!);
      }
      t.blockedBy = resolved;
    }
  }

  private async issue(repo: string, number: number): Promise<IssueData | null> {
    try {
      return await this.call(
        `reading ${repo}#${number}`,
        async () =>
          (await this.opts.client.rest.issues.get({ ...splitRepo(repo), issue_number: number })).data as IssueData,
        true,
      );
    } catch (err) {
      if ((err as { status?: number }).status === 404 || (err as { status?: number }).status === 410) return null;
      throw err;
    }
  }

  /** Fails fast while a rate limit lasts; maps failures to the tracker's kinds (raw 404/410 passed on when asked). */
  private async call<T>(operation: string, fn: () => Promise<T>, passMissing = false): Promise<T> {
    if (Date.now() < this.backoffUntil) throw new TrackerRateLimitedError('GitHub', this.backoffUntil);
    try {
      return await fn();
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (passMissing && (status === 404 || status === 410)) throw err;
      const mapped = toTrackerError(err, operation, this.opts.tokenEnv);
      if (mapped instanceof TrackerRateLimitedError) this.backoffUntil = mapped.retryAt;
      throw mapped;
    }
  }

  private parseKey(key: string): { repo: string; prefix: string; number: number } | null {
    const ref = parsePrefixedKey(key, this.opts.repos);
    return ref ? { repo: ref.source.repo, prefix: ref.source.keyPrefix, number: ref.number } : null;
  }

  private mustParse(key: string): { repo: string; prefix: string; number: number } {
    const ref = mustParsePrefixedKey('GitHub', key, this.opts.repos);
    return { repo: ref.source.repo, prefix: ref.source.keyPrefix, number: ref.number };
  }
}

function labelNames(issue: IssueData): string[] {
  return issue.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean);
}
