import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { LocalServer, type LoggedRequest, readBody, sendJson } from '../http-util';
import { jiraSignature } from '../webhook-signatures';
import {
  FAKE_JIRA_LIMITS,
  type FakeJiraLimits,
  type JiraLimitReason,
  limitHeaders,
  WindowCounter,
} from './fake-jira-limits';
import { adfProblem, adfText } from './jira-adf-check';
import { type Answer, bulkFetch, err, myPermissions, workflowScheme } from './jira-admin-routes';
import { JqlError, parseJql } from './jira-jql';
import {
  DEFAULT_FAKE_JIRA_WORKFLOW,
  type FakeJiraIssue,
  type FakeJiraWorkflow,
  JiraStore,
  type NewFakeJiraIssue,
} from './jira-store';

export interface FakeJiraOptions {
  email: string;
  apiToken: string;
  /** Project keys (ids are assigned 10000, 10001, …). */
  projects: string[];
  workflow?: FakeJiraWorkflow;
  limits?: Partial<FakeJiraLimits>;
  /** Project permissions the token's account has (mypermissions); default all Nightshift uses. */
  permissions?: string[];
}

/** The permissions Nightshift uses, all granted unless `permissions` says otherwise. */
const JIRA_NIGHTSHIFT_PERMISSIONS = ['BROWSE_PROJECTS', 'TRANSITION_ISSUES', 'ADD_COMMENTS', 'EDIT_ISSUES'];

/** An issue as a test reads it back: comments as plain text and as the ADF Jira stored. */
export interface FakeJiraIssueView {
  key: string;
  summary: string;
  status: string;
  labels: string[];
  comments: string[];
  commentDocs: unknown[];
}

/**
 * A local Jira Cloud REST v3 API that the real jira.js client talks to: JQL search on
 * `/rest/api/3/search/jql` (a subset of JQL, `nextPageToken` paging, only the fields asked for),
 * issues, workflow transitions offered only from the right status, ADF-checked comments, labels,
 * bulk fetch, workflow scheme lookup, and Jira's 429s with `Retry-After` and `RateLimit-Reason`.
 */
export class FakeJira {
  readonly store: JiraStore;
  /** Every request; a search's `detail` is its JQL. */
  readonly requests: LoggedRequest[] = [];
  /** The JQL and fields of every search answered, in order. */
  readonly searches: Array<{ jql: string; fields: string[] }> = [];
  readonly limits: FakeJiraLimits;
  private readonly burst: WindowCounter;
  private readonly perIssue: WindowCounter;
  private readonly pageTokens = new Map<string, { jql: string; offset: number }>();
  private forced: Array<{ match: RegExp; reason: JiraLimitReason; retryAfterSec: number; left: number }> = [];
  private readonly server = new LocalServer((req, res) => this.handle(req, res));
  private origin?: string;

  constructor(private readonly opts: FakeJiraOptions) {
    this.store = new JiraStore(
      opts.projects.map((key, n) => ({ id: String(10_000 + n), key })),
      opts.workflow ?? DEFAULT_FAKE_JIRA_WORKFLOW,
    );
    this.limits = { ...FAKE_JIRA_LIMITS, ...opts.limits };
    this.burst = new WindowCounter(this.limits.burstPerEndpoint, this.limits.burstWindowMs);
    this.perIssue = new WindowCounter(this.limits.writesPerIssue, this.limits.issueWindowMs);
  }

  /** Starts the server; resolves to the site URL to give jira.js as `host`. */
  async start(): Promise<string> {
    this.origin = await this.server.listen();
    return this.origin;
  }

  get url(): string {
    if (!this.origin) throw new Error('FakeJira is not started');
    return this.origin;
  }

  stop(): Promise<void> {
    return this.server.close();
  }

  createIssue(input: NewFakeJiraIssue): FakeJiraIssueView {
    return this.view(this.store.create(input));
  }

  /** `blocker` blocks `blocked` (Jira's Blocks link: `blocked` "is blocked by" `blocker`). */
  addBlocks(blocker: string, blocked: string): void {
    const issue = this.mustFind(blocked);
    issue.blockedBy.push(blocker);
    this.store.touch(issue);
  }

  /** A human moves an issue (no workflow check: an admin can set any status). */
  setStatus(key: string, status: string): void {
    const issue = this.mustFind(key);
    this.store.status(status);
    issue.status = status;
    this.store.touch(issue);
  }

  issue(key: string): FakeJiraIssueView {
    return this.view(this.mustFind(key));
  }

  /** Answers the next `times` requests whose `METHOD path` matches with a 429 of the given reason. */
  rateLimitNext(opts: { match?: RegExp; reason?: JiraLimitReason; retryAfterSec?: number; times?: number } = {}): void {
    this.forced.push({
      match: opts.match ?? /./,
      reason: opts.reason ?? 'jira-burst-based',
      retryAfterSec: opts.retryAfterSec ?? 1,
      left: opts.times ?? 1,
    });
  }

  /** The body and headers Jira Cloud POSTs to a webhook with a secret for this issue (`jira:issue_updated`). */
  webhook(
    key: string,
    secret: string,
    opts: { event?: string; timestamp?: number; deliveryId?: string } = {},
  ): { body: string; headers: Record<string, string> } {
    const issue = this.mustFind(key);
    const body = JSON.stringify({
      timestamp: opts.timestamp ?? Date.now(),
      webhookEvent: opts.event ?? 'jira:issue_updated',
      issue_event_type_name: 'issue_generic',
      issue: this.store.toJson(issue, ['summary', 'status', 'labels', 'project', 'updated'], this.url),
    });
    return {
      body,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-atlassian-webhook-identifier': opts.deliveryId ?? randomUUID(),
        'x-hub-signature': jiraSignature(secret, body),
        'user-agent': 'Atlassian Webhook HTTP Client',
      },
    };
  }

  private view(i: FakeJiraIssue): FakeJiraIssueView {
    return {
      key: i.key,
      summary: i.summary,
      status: i.status,
      labels: [...i.labels],
      comments: i.comments.map((c) => adfText(c.body)),
      commentDocs: i.comments.map((c) => c.body),
    };
  }

  private mustFind(key: string): FakeJiraIssue {
    const issue = this.store.find(key);
    if (!issue) throw new Error(`fake Jira: no issue ${key}`);
    return issue;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const text = await readBody(req);
    const answer = this.route(method, url, text, req.headers.authorization ?? '');
    const jql = url.pathname === '/rest/api/3/search/jql' ? searchJql(text, url) : undefined;
    this.requests.push({
      method,
      path: url.pathname,
      detail: jql ?? url.search,
      status: answer.status,
      at: Date.now(),
    });
    sendJson(res, answer.status, answer.body, answer.headers);
  }

  private route(method: string, url: URL, text: string, auth: string): Answer {
    const expected = `Basic ${Buffer.from(`${this.opts.email}:${this.opts.apiToken}`).toString('base64')}`;
    if (auth !== expected) return err(401, ['Client must be authenticated to access this resource.']);
    const path = url.pathname;
    const what = `${method} ${path}`;
    const forced = this.forced.find((f) => f.left > 0 && f.match.test(what));
    if (forced) {
      forced.left -= 1;
      return {
        ...err(429, ['Rate limit exceeded.']),
        headers: limitHeaders(forced.reason, forced.retryAfterSec * 1000),
      };
    }
    const endpoint = `${method} ${path.replace(/\/[A-Z][A-Z0-9_]*-\d+|\/\d+/g, '/{id}')}`;
    const burstWait = this.burst.take(endpoint);
    if (burstWait > 0)
      return { ...err(429, ['Rate limit exceeded.']), headers: limitHeaders('jira-burst-based', burstWait) };
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return err(400, ['Unexpected character in the request body: it is not JSON.']);
    }
    if (method === 'GET' && path === '/rest/api/3/myself')
      return {
        status: 200,
        body: { accountId: 'fake-account', emailAddress: this.opts.email, displayName: 'Nightshift Bot' },
      };
    if (method === 'GET' && path === '/rest/api/3/mypermissions')
      return myPermissions(this.store, this.opts.permissions ?? JIRA_NIGHTSHIFT_PERMISSIONS, url);
    const statuses = /^\/rest\/api\/3\/project\/([^/]+)\/statuses$/.exec(path);
    if (method === 'GET' && statuses) {
      if (!this.store.projects.some((p) => p.key === statuses[1] || p.id === statuses[1]))
        return err(404, [`No project could be found with key '${statuses[1]}'.`]);
      const list = this.store.workflow.statuses.map((s) => this.store.statusJson(s.name));
      return { status: 200, body: [{ id: '10001', name: 'Task', statuses: list }] };
    }
    if (path === '/rest/api/3/search/jql')
      return this.search(method === 'POST' ? body : Object.fromEntries(url.searchParams));
    if (method === 'POST' && path === '/rest/api/3/issue/bulkfetch') return bulkFetch(this.store, this.url, body);
    if (method === 'GET' && path === '/rest/api/3/workflowscheme/project') return workflowScheme(this.store, url);
    const m = /^\/rest\/api\/3\/issue\/([^/]+)(\/transitions|\/comment)?$/.exec(path);
    const issue = m ? this.store.find(decodeURIComponent(m[1]!)) : undefined;
    if (!m) return err(404, [`No route ${what} in the fake Jira.`]);
    if (!issue) return err(404, ['Issue does not exist or you do not have permission to see it.']);
    if (method !== 'GET') {
      const wait = this.perIssue.take(issue.key);
      if (wait > 0)
        return { ...err(429, ['Rate limit exceeded.']), headers: limitHeaders('jira-per-issue-on-write', wait) };
    }
    const site = this.url;
    if (!m[2] && method === 'GET')
      return { status: 200, body: this.store.toJson(issue, listParam(url, 'fields', ['*all']), site) };
    if (!m[2] && method === 'PUT') return this.edit(issue, body);
    if (m[2] === '/transitions' && method === 'GET')
      return {
        status: 200,
        body: {
          transitions: this.store
            .transitionsFrom(issue)
            .map((t) => ({ id: t.id, name: t.name, to: this.store.statusJson(t.to), isAvailable: true })),
        },
      };
    if (m[2] === '/transitions' && method === 'POST') return this.transition(issue, body);
    if (m[2] === '/comment' && method === 'POST') return this.comment(issue, body);
    return err(405, [`${method} is not allowed on ${path}.`]);
  }

  private search(body: Record<string, unknown>): Answer {
    const jql = String(body['jql'] ?? '');
    const fields = Array.isArray(body['fields'])
      ? (body['fields'] as string[])
      : typeof body['fields'] === 'string'
        ? body['fields'].split(',')
        : [];
    // With fields to return, Jira gives at most 100 issues a page whatever maxResults says.
    const size = Math.min(Number(body['maxResults'] ?? 50), fields.length > 0 ? 100 : 5000);
    let offset = 0;
    const token = body['nextPageToken'];
    if (token !== undefined && token !== null) {
      const page = this.pageTokens.get(String(token));
      if (!page || page.jql !== jql) return err(400, ['The provided next page token is invalid or expired.']);
      offset = page.offset;
    }
    this.searches.push({ jql, fields });
    let query;
    try {
      query = parseJql(
        jql,
        this.store.projects.map((p) => p.key),
      );
    } catch (e) {
      if (e instanceof JqlError) return err(400, [e.message]);
      throw e;
    }
    const hits = this.store.issues.filter((i) => query.matches(this.store.jqlView(i)));
    hits.sort((a, b) => query.compare(this.store.jqlView(a), this.store.jqlView(b)));
    const page = hits.slice(offset, offset + size);
    const more = offset + size < hits.length;
    let nextPageToken: string | undefined;
    if (more) {
      nextPageToken = randomBytes(12).toString('base64url');
      this.pageTokens.set(nextPageToken, { jql, offset: offset + size });
    }
    return {
      status: 200,
      body: {
        issues: page.map((i) =>
          fields.length === 0 ? { id: i.id, key: i.key } : this.store.toJson(i, fields, this.url),
        ),
        isLast: !more,
        ...(nextPageToken ? { nextPageToken } : {}),
      },
    };
  }

  private edit(issue: FakeJiraIssue, body: Record<string, unknown>): Answer {
    const update = (body['update'] ?? {}) as { labels?: Array<{ add?: string; remove?: string }> };
    const fields = (body['fields'] ?? {}) as { labels?: string[]; description?: unknown; summary?: string };
    const labels = [...(fields.labels ?? issue.labels)];
    for (const op of update.labels ?? []) {
      if (op.add !== undefined && !labels.includes(op.add)) labels.push(op.add);
      if (op.remove !== undefined && labels.includes(op.remove)) labels.splice(labels.indexOf(op.remove), 1);
    }
    const bad = labels.find((l) => /\s/.test(l));
    if (bad !== undefined) return err(400, [], { labels: `The label '${bad}' contains spaces which is invalid.` });
    if (fields.description !== undefined) {
      const problem = adfProblem(fields.description);
      if (problem) return err(400, [], { description: problem });
      issue.description = fields.description;
    }
    if (fields.summary !== undefined) issue.summary = fields.summary;
    issue.labels = labels;
    this.store.touch(issue);
    return { status: 204 };
  }

  private transition(issue: FakeJiraIssue, body: Record<string, unknown>): Answer {
    const id = String((body['transition'] as { id?: unknown } | undefined)?.id ?? '');
    const t = this.store.transitionsFrom(issue).find((x) => x.id === id);
    if (!t) return err(400, [`Transition id '${id}' is not valid for this issue.`]);
    issue.status = t.to;
    this.store.touch(issue);
    return { status: 204 };
  }

  private comment(issue: FakeJiraIssue, body: Record<string, unknown>): Answer {
    const problem = adfProblem(body['body']);
    if (problem) return err(400, [], { comment: problem });
    const c = {
      id: String(issue.comments.length + 1),
      author: 'Nightshift Bot',
      body: body['body'],
      created: new Date().toISOString(),
    };
    issue.comments.push(c);
    this.store.touch(issue);
    return { status: 201, body: { id: c.id, body: c.body, created: c.created } };
  }
}

/** A query parameter given as repeated keys or one comma-separated value. */
function listParam(url: URL, name: string, fallback: string[]): string[] {
  const values = url.searchParams
    .getAll(name)
    .flatMap((v) => v.split(','))
    .filter(Boolean);
  return values.length > 0 ? values : fallback;
}

function searchJql(text: string, url: URL): string {
  try {
    return String((JSON.parse(text) as { jql?: unknown }).jql ?? '');
  } catch {
    return url.searchParams.get('jql') ?? '';
  }
}
