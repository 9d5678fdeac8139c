import type { Ticket } from '@nightshift/domain';
import { Version3Client } from 'jira.js';

import { TrackerRequestError } from '../errors';
import { compareDispatch } from '../ticket-file';
import type { Tracker, TrackerTicket, TrackerUsage } from '../tracker';
import type { WorkflowStates } from '../workflow-states';
import { jiraAccessProblems } from './jira-access';
import { markdownToAdf } from './jira-adf';
import { jiraLimitHit, jiraStatus, toJiraTrackerError } from './jira-errors';
import { JIRA_LIST_FIELDS, JIRA_TICKET_FIELDS, type JiraIssueData, jiraToTicket } from './jira-issue';
import { JIRA_DEFAULT_HOURLY_REQUESTS, JiraBackoff } from './jira-limits';

export interface JiraTrackerOptions {
  /** The site, e.g. https://acme.atlassian.net. */
  baseUrl: string;
  email: string;
  apiToken: string;
  /** Name of the environment variable the token came from, for error messages. */
  tokenEnv: string;
  /** Project keys whose issues are tickets. */
  projects: string[];
  /** Status names for each workflow role; moves are the workflow's transitions to them. */
  states: WorkflowStates;
  /** Issues per search page (Jira returns at most 100 with fields). */
  pageSize?: number;
  /** The hourly request budget polling takes its share of; default JIRA_DEFAULT_HOURLY_REQUESTS. */
  requestsPerHour?: number;
  /** A full listing replaces the `updated >=` delta this often (catches deletions and moved-out issues); default 1 h. */
  fullRefreshMs?: number;
}

/**
 * Jira Cloud through jira.js: listings use the search endpoint (`/rest/api/3/search/jql`) with
 * `nextPageToken` paging and a narrow field list; after the first, a scan asks only what changed
 * (`updated >= -Nm`, relative so the user's time zone cannot shift it). Moves are the workflow's
 * transitions; descriptions and comments are Atlassian Document Format; blockers are "is blocked
 * by" links. A 429 backs off the scope its `RateLimit-Reason` names (jira-limits.ts).
 */
export class JiraTracker implements Tracker {
  readonly kind = 'jira';
  private readonly client: Version3Client;
  private readonly backoff = new JiraBackoff();
  private readonly cache = new Map<string, TrackerTicket>();
  private readonly allStates: string[];
  private watermark = 0;
  private lastFull = 0;
  private requests = 0;

  constructor(private readonly opts: JiraTrackerOptions) {
    if (opts.projects.length === 0)
      throw new TypeError('JiraTracker: configure at least one project (tracker.projects).');
    this.client = new Version3Client({
      host: opts.baseUrl,
      authentication: { basic: { email: opts.email, apiToken: opts.apiToken } },
    });
    const s = opts.states;
    this.allStates = [...s.queue, s.inProgress, s.inReview, s.needsHuman, s.done];
  }

  usage(): TrackerUsage {
    return {
      requests: this.requests,
      points: 0,
      budget: { requestsPerHour: this.opts.requestsPerHour ?? JIRA_DEFAULT_HOURLY_REQUESTS, pointsPerHour: 0 },
    };
  }

  /** The permissions Nightshift uses in each project, and each configured status in the project's workflows. */
  checkAccess(): Promise<string[]> {
    return jiraAccessProblems(this.client, this.opts.projects, this.allStates);
  }

  /** Unblocked issues of the configured projects in the given statuses, most urgent first, then oldest. */
  async listByStates(states: string[]): Promise<Ticket[]> {
    const startedAt = Date.now();
    const full = this.watermark === 0 || startedAt - this.lastFull >= (this.opts.fullRefreshMs ?? 3_600_000);
    const projects = `project in (${this.opts.projects.map(quote).join(', ')})`;
    const jql = full
      ? `${projects} AND status in (${this.allStates.map(quote).join(', ')}) ORDER BY created ASC`
      : // One minute of overlap: JQL compares to the minute.
        `${projects} AND updated >= "-${Math.ceil((startedAt - this.watermark) / 60_000) + 1}m" ORDER BY created ASC`;
    const found = await this.search(jql, JIRA_LIST_FIELDS);
    if (full) {
      this.cache.clear();
      this.lastFull = startedAt;
    }
    const fresh = new Map<string, TrackerTicket>();
    for (const issue of found) {
      const t = jiraToTicket(issue, this.opts.baseUrl);
      fresh.set(t.key, t);
      if (this.allStates.some((s) => sameName(s, t.state))) this.cache.set(t.key, t);
      else this.cache.delete(t.key);
    }
    this.watermark = startedAt;
    const wanted = [...this.cache.values()].filter((t) => states.some((s) => sameName(s, t.state)));
    await this.refreshBlockers(wanted, fresh);
    return wanted.filter((t) => !(t.blockedBy ?? []).some((b) => b.open)).sort(compareDispatch);
  }

  /** The issue with its description and comments as Markdown, or null when Jira has no such issue. */
  async getTicket(key: string): Promise<TrackerTicket | null> {
    const issue = await this.issue(key, JIRA_TICKET_FIELDS);
    return issue ? jiraToTicket(issue, this.opts.baseUrl) : null;
  }

  /** Status names in one bulk fetch per 100 keys; keys Jira does not know are absent. */
  async statesOf(keys: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < keys.length; i += 100) {
      const page = await this.call('bulkfetch', `reading the statuses of ${keys.length} issues`, () =>
        this.client.issues.bulkFetchIssues({ issueIdsOrKeys: keys.slice(i, i + 100), fields: ['status'] }),
      );
      for (const issue of (page.issues ?? []) as JiraIssueData[])
        if (issue.key) out.set(issue.key, issue.fields?.status?.name ?? 'unknown');
    }
    return out;
  }

  /** Runs the workflow transition that leads to `state`; none from the current status is an error naming the workflow. */
  async moveTo(key: string, state: string): Promise<void> {
    const issue = await this.issue(key, ['status', 'project', 'issuetype']);
    if (!issue)
      throw new TrackerRequestError(
        'Jira',
        `moving ${key}`,
        `issue ${key} does not exist (or the token cannot see it)`,
      );
    const current = issue.fields?.status?.name ?? 'unknown';
    if (sameName(current, state)) return;
    const { transitions = [] } = await this.call('transitions', `reading the transitions of ${key}`, () =>
      this.client.issues.getTransitions({ issueIdOrKey: key }),
    );
    const transition =
      transitions.find((t) => sameName(t.to?.name ?? '', state)) ??
      transitions.find((t) => sameName(t.name ?? '', state));
    if (!transition?.id) {
      const workflow = await this.workflowName(issue);
      const reachable = transitions.map((t) => `"${t.name}" → "${t.to?.name}"`).join(', ') || 'none';
      throw new TrackerRequestError(
        'Jira',
        `moving ${key} to "${state}"`,
        `the workflow "${workflow}" has no transition from "${current}" to "${state}" (from "${current}" it offers: ${reachable}); add that transition in Jira's workflow editor, or map tracker.states to statuses the workflow reaches`,
      );
    }
    await this.call(
      'transitions',
      `moving ${key} to "${state}"`,
      () => this.client.issues.doTransition({ issueIdOrKey: key, transition: { id: transition.id! } }),
      key,
      true,
    );
    const cached = this.cache.get(key);
    if (cached) cached.state = transition.to?.name ?? state;
  }

  /** A comment in ADF (Jira's v3 API refuses plain text). */
  async comment(key: string, body: string): Promise<void> {
    await this.call(
      'comment',
      `commenting on ${key}`,
      () => this.client.issueComments.addComment({ issueIdOrKey: key, comment: markdownToAdf(body) as never }),
      key,
      true,
    );
  }

  async addLabel(key: string, label: string): Promise<void> {
    // Jira labels cannot contain spaces.
    const value = label.trim().replace(/\s+/g, '-');
    await this.call(
      'issue',
      `labeling ${key}`,
      () => this.client.issues.editIssue({ issueIdOrKey: key, update: { labels: [{ add: value }] } }),
      key,
      true,
    );
  }

  /** Open blockers' statuses: from this scan's delta when it saw them, else one bulk fetch for the rest. */
  private async refreshBlockers(tickets: TrackerTicket[], fresh: Map<string, TrackerTicket>): Promise<void> {
    const stale = new Set<string>();
    for (const t of tickets)
      for (const b of t.blockedBy ?? []) {
        const seen = fresh.get(b.key);
        if (seen) Object.assign(b, { state: seen.state, open: !sameName(seen.state, this.opts.states.done) && b.open });
        else if (b.open && !this.inProjects(b.key)) stale.add(b.key);
      }
    if (stale.size === 0) return;
    const page = await this.call('bulkfetch', 'reading blockers', () =>
      this.client.issues.bulkFetchIssues({ issueIdsOrKeys: [...stale], fields: ['status'] }),
    );
    const now = new Map(((page.issues ?? []) as JiraIssueData[]).map((i) => [i.key ?? '', i.fields?.status]));
    for (const t of tickets)
      for (const b of t.blockedBy ?? []) {
        const s = now.get(b.key);
        if (s) Object.assign(b, { state: s.name ?? b.state, open: s.statusCategory?.key !== 'done' });
      }
  }

  private inProjects(key: string): boolean {
    return this.opts.projects.some((p) => key.startsWith(`${p}-`));
  }

  private async search(jql: string, fields: string[]): Promise<JiraIssueData[]> {
    const out: JiraIssueData[] = [];
    let nextPageToken: string | undefined;
    do {
      const page = await this.call('search', 'searching issues', () =>
        this.client.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({
          jql,
          fields,
          maxResults: this.opts.pageSize ?? 100,
          ...(nextPageToken ? { nextPageToken } : {}),
        }),
      );
      out.push(...((page.issues ?? []) as JiraIssueData[]));
      nextPageToken = page.nextPageToken ?? undefined;
    } while (nextPageToken);
    return out;
  }

  private async issue(key: string, fields: string[]): Promise<JiraIssueData | null> {
    try {
      return (await this.call(
        'issue',
        `reading ${key}`,
        () => this.client.issues.getIssue({ issueIdOrKey: key, fields }),
        key,
        false,
        true,
      )) as JiraIssueData;
    } catch (err) {
      if (jiraStatus(err) === 404) return null;
      throw err;
    }
  }

  /** The workflow an issue's project and type use (for the error message); a description of it when the scheme cannot be read. */
  private async workflowName(issue: JiraIssueData): Promise<string> {
    const project = issue.fields?.project;
    const type = issue.fields?.issuetype;
    const fallback = `of project ${project?.key ?? '?'} for ${type?.name ?? 'this issue type'}`;
    try {
      const res = await this.call('workflowscheme', 'reading the workflow scheme', () =>
        this.client.workflowSchemeProjectAssociations.getWorkflowSchemeProjectAssociations({
          projectId: [Number(project?.id)],
        }),
      );
      const scheme = res.values?.[0]?.workflowScheme;
      const mappings = (scheme?.issueTypeMappings ?? {}) as Record<string, string>;
      return mappings[type?.id ?? ''] ?? scheme?.defaultWorkflow ?? fallback;
    } catch {
      return fallback;
    }
  }

  /** Counts the request, refuses it while a limit on its scope lasts, and maps failures (a raw 404 passed on when asked). */
  private async call<T>(
    endpoint: string,
    operation: string,
    fn: () => Promise<T>,
    issueKey?: string,
    write = false,
    passMissing = false,
  ): Promise<T> {
    this.backoff.check(endpoint, issueKey, write);
    this.requests += 1;
    try {
      return await fn();
    } catch (err) {
      if (passMissing && jiraStatus(err) === 404) throw err;
      const hit = jiraLimitHit(err);
      if (hit) this.backoff.record(hit, endpoint, issueKey);
      throw toJiraTrackerError(err, operation, this.opts.tokenEnv);
    }
  }
}

function quote(value: string): string {
  return `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
