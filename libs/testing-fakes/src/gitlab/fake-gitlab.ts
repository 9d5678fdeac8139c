import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { LocalServer, type LoggedRequest, readBody, sendJson } from '../http-util';
import { type FakeGitLabMr, FakeGitLabMrs, pipelineRoute } from './fake-gitlab-mrs';
import { gitlabPage } from './gitlab-paging';

export interface FakeGitLabOptions {
  /** The token requests must carry in `PRIVATE-TOKEN` (or `Authorization: Bearer`). */
  token: string;
  /** Project paths, e.g. `acme/alpha` (ids are assigned 1, 2, …). */
  projects: string[];
  /** Authenticated requests a minute (gitlab.com: 2,000); past it a 429 with Retry-After and RateLimit-*. */
  requestsPerMinute?: number;
  /** Whether `branch` exists in project `path`; a merge request from a branch that does not is refused. Default: all do. */
  branchExists?: (project: string, branch: string) => boolean;
}

export interface FakeGitLabIssue {
  projectId: number;
  iid: number;
  title: string;
  description: string;
  state: 'opened' | 'closed';
  labels: string[];
  createdAt: string;
  updatedAt: string;
  notes: Array<{ id: number; body: string; author: string; createdAt: string; system: boolean }>;
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/**
 * A local GitLab REST v4 API (the issue part) that the real @gitbeaker/rest talks to: issues listed
 * by label with offset pagination (`per_page` capped at 100, `Link` and `x-*` headers), scoped labels
 * (`scope::value`) exclusive within their scope as GitLab keeps them, notes, close/reopen, the
 * `PRIVATE-TOKEN` check, and the authenticated-request limit answered 429 with `Retry-After` and
 * `RateLimit-Limit/Remaining/Reset` (those headers on every answer).
 */
export class FakeGitLab {
  readonly issues: FakeGitLabIssue[] = [];
  readonly requests: LoggedRequest[] = [];
  private readonly projects: Array<{ id: number; path: string }>;
  private window = { start: Date.now(), count: 0 };
  private readonly server = new LocalServer((req, res) => this.handle(req, res));
  private origin?: string;
  private noteId = 1;
  /** Merge requests (fake-gitlab-mrs.ts). */
  readonly mergeRequests = new FakeGitLabMrs(
    () => this.url,
    () => this.noteId++,
    (project, branch) => this.opts.branchExists?.(project, branch) ?? true,
  );

  constructor(private readonly opts: FakeGitLabOptions) {
    this.projects = opts.projects.map((path, n) => ({ id: n + 1, path }));
  }

  /** Starts the server; resolves to the host to give gitbeaker (`host`), e.g. http://127.0.0.1:PORT. */
  async start(): Promise<string> {
    this.origin = await this.server.listen();
    return this.origin;
  }

  get url(): string {
    if (!this.origin) throw new Error('FakeGitLab is not started');
    return this.origin;
  }

  stop(): Promise<void> {
    return this.server.close();
  }

  createIssue(input: {
    project: string;
    title: string;
    description?: string;
    labels?: string[];
    createdAt?: number;
  }): FakeGitLabIssue {
    const project = this.projects.find((p) => p.path === input.project);
    if (!project) throw new Error(`fake GitLab: no project ${input.project}`);
    const at = new Date(input.createdAt ?? Date.now()).toISOString();
    const issue: FakeGitLabIssue = {
      projectId: project.id,
      iid: this.issues.filter((i) => i.projectId === project.id).length + 1,
      title: input.title,
      description: input.description ?? '',
      state: 'opened',
      labels: exclusive([], input.labels ?? []),
      createdAt: at,
      updatedAt: at,
      notes: [],
    };
    this.issues.push(issue);
    return issue;
  }

  issue(project: string, iid: number): FakeGitLabIssue {
    const p = this.projects.find((x) => x.path === project);
    const issue = this.issues.find((i) => i.projectId === p?.id && i.iid === iid);
    if (!issue) throw new Error(`fake GitLab: no issue ${project}#${iid}`);
    return issue;
  }

  get mrs(): FakeGitLabMr[] {
    return this.mergeRequests.mrs;
  }

  /** A human (e.g. a reviewer) writes a note on merge request `iid` of `project`. */
  commentOnMr(project: string, iid: number, author: string, body: string): void {
    const p = this.projects.find((x) => x.path === project);
    const mr = this.mrs.find((x) => x.projectId === p?.id && x.iid === iid);
    if (!mr) throw new Error(`fake GitLab: no merge request ${project}!${iid}`);
    this.mergeRequests.addNote(mr, author, body);
  }

  /** CI ran on merge request `iid` and job `job` failed, printing `trace`. */
  failPipeline(project: string, iid: number, job: string, trace: string): void {
    const p = this.projects.find((x) => x.path === project);
    const mr = this.mrs.find((x) => x.projectId === p?.id && x.iid === iid);
    if (!mr) throw new Error(`fake GitLab: no merge request ${project}!${iid}`);
    const at = new Date().toISOString();
    const id = this.mrs.flatMap((x) => x.pipelines).length + 1;
    mr.pipelines.push({
      id,
      status: 'failed',
      ref: mr.sourceBranch,
      updatedAt: at,
      jobs: [{ id: id * 100, name: job, status: 'failed', finishedAt: at, trace }],
    });
  }

  /** A human closes an issue. */
  close(project: string, iid: number): void {
    const issue = this.issue(project, iid);
    issue.state = 'closed';
    issue.updatedAt = new Date().toISOString();
  }

  /** The body and headers GitLab POSTs to a project's webhook ("Issue Hook") for this issue; `token` is the hook's secret. */
  webhook(
    project: string,
    iid: number,
    token: string,
    opts: { deliveryId?: string } = {},
  ): { body: string; headers: Record<string, string> } {
    const issue = this.issue(project, iid);
    const body = JSON.stringify({
      object_kind: 'issue',
      event_type: 'issue',
      project: { id: issue.projectId, path_with_namespace: project },
      object_attributes: {
        iid: issue.iid,
        title: issue.title,
        state: issue.state,
        action: 'update',
        updated_at: issue.updatedAt,
      },
      labels: issue.labels.map((title) => ({ title })),
    });
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-gitlab-event': 'Issue Hook',
        'x-gitlab-token': token,
        'x-gitlab-event-uuid': opts.deliveryId ?? randomUUID(),
      },
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const text = await readBody(req);
    const answer = this.route(method, url, text, req.headers);
    this.requests.push({ method, path: url.pathname, detail: url.search, status: answer.status, at: Date.now() });
    if (typeof answer.body === 'string' && answer.headers?.['content-type'] === 'text/plain') {
      // A job trace is plain text, as GitLab serves it.
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
      return;
    }
    sendJson(res, answer.status, answer.body, answer.headers);
  }

  private route(method: string, url: URL, text: string, headers: IncomingMessage['headers']): Answer {
    const token = headers['private-token'] ?? headers.authorization?.replace(/^Bearer /, '');
    if (token !== this.opts.token) return { status: 401, body: { message: '401 Unauthorized' } };
    const limit = this.opts.requestsPerMinute ?? 2_000;
    const now = Date.now();
    if (now - this.window.start >= 60_000) this.window = { start: now, count: 0 };
    const reset = Math.ceil((this.window.start + 60_000) / 1000);
    const rateHeaders = (remaining: number) => ({
      'ratelimit-limit': String(limit),
      'ratelimit-remaining': String(Math.max(0, remaining)),
      'ratelimit-reset': String(reset),
      'ratelimit-observed': String(this.window.count),
    });
    if (this.window.count >= limit)
      return {
        status: 429,
        body: { message: 'Retry later' },
        headers: { ...rateHeaders(0), 'retry-after': String(Math.max(1, reset - Math.floor(now / 1000))) },
      };
    this.window.count += 1;
    const answer = this.api(method, url, text);
    return { ...answer, headers: { ...rateHeaders(limit - this.window.count), ...answer.headers } };
  }

  private api(method: string, url: URL, text: string): Answer {
    const mr = /^\/api\/v4\/projects\/([^/]+)\/merge_requests(\/.*)?$/.exec(url.pathname);
    if (mr) return this.mrRoute(method, url, text, decodeURIComponent(mr[1]!), mr[2] ?? '');
    const ci = /^\/api\/v4\/projects\/([^/]+)(\/(?:pipelines|jobs)\/.*)$/.exec(url.pathname);
    if (ci && method === 'GET') {
      const idOrPath = decodeURIComponent(ci[1]!);
      const project = this.projects.find((p) => String(p.id) === idOrPath || p.path === idOrPath);
      if (!project) return { status: 404, body: { message: '404 Project Not Found' } };
      return pipelineRoute(this.mrs, project.id, ci[2]!, url);
    }
    const m = /^\/api\/v4\/projects\/([^/]+)\/issues(?:\/(\d+)(\/notes)?)?$/.exec(url.pathname);
    if (!m) return { status: 404, body: { error: '404 Not Found' } };
    const idOrPath = decodeURIComponent(m[1]!);
    const project = this.projects.find((p) => String(p.id) === idOrPath || p.path === idOrPath);
    if (!project) return { status: 404, body: { message: '404 Project Not Found' } };
    if (!m[2] && method === 'GET') return this.list(project, url);
    const issue = this.issues.find((i) => i.projectId === project.id && i.iid === Number(m[2]));
    if (!issue) return { status: 404, body: { message: '404 Not found' } };
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return { status: 400, body: { error: 'body is not JSON' } };
    }
    if (!m[3] && method === 'GET') return { status: 200, body: this.json(project.path, issue) };
    if (!m[3] && method === 'PUT') {
      const split = (v: unknown) =>
        typeof v === 'string' ? v.split(',').filter(Boolean) : Array.isArray(v) ? (v as string[]) : [];
      let labels = body['labels'] !== undefined ? split(body['labels']) : [...issue.labels];
      const removed = split(body['remove_labels']);
      labels = exclusive(
        labels.filter((l) => !removed.includes(l)),
        split(body['add_labels']),
      );
      if (body['state_event'] !== undefined && !['close', 'reopen'].includes(String(body['state_event'])))
        return { status: 400, body: { error: 'state_event does not have a valid value' } };
      issue.labels = labels;
      if (body['state_event'] === 'close') issue.state = 'closed';
      if (body['state_event'] === 'reopen') issue.state = 'opened';
      issue.updatedAt = new Date().toISOString();
      return { status: 200, body: this.json(project.path, issue) };
    }
    if (m[3] && method === 'GET')
      return {
        status: 200,
        body: issue.notes.map((n) => ({
          id: n.id,
          body: n.body,
          author: { username: n.author },
          created_at: n.createdAt,
          system: n.system,
        })),
      };
    if (m[3] && method === 'POST') {
      if (typeof body['body'] !== 'string' || body['body'].trim() === '')
        return { status: 400, body: { message: { note: ["can't be blank"] } } };
      const note = {
        id: this.noteId++,
        body: body['body'],
        author: 'nightshift-bot',
        createdAt: new Date().toISOString(),
        system: false,
      };
      issue.notes.push(note);
      issue.updatedAt = note.createdAt;
      return { status: 201, body: { id: note.id, body: note.body } };
    }
    return { status: 405, body: { error: '405 Method Not Allowed' } };
  }

  private mrRoute(method: string, url: URL, text: string, idOrPath: string, rest: string): Answer {
    const project = this.projects.find((p) => String(p.id) === idOrPath || p.path === idOrPath);
    if (!project) return { status: 404, body: { message: '404 Project Not Found' } };
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return { status: 400, body: { error: 'body is not JSON' } };
    }
    return this.mergeRequests.route(project, method, rest, url, body);
  }

  private list(project: { id: number; path: string }, url: URL): Answer {
    const q = url.searchParams;
    const wanted = (q.get('labels') ?? '').split(',').filter(Boolean);
    const iids = q.getAll('iids[]').map(Number);
    const state = q.get('state') ?? 'all';
    const hits = this.issues.filter(
      (i) =>
        i.projectId === project.id &&
        (state === 'all' || i.state === state) &&
        wanted.every((l) => i.labels.includes(l)) &&
        (iids.length === 0 || iids.includes(i.iid)),
    );
    return gitlabPage(hits, url, this.url, (i) => this.json(project.path, i));
  }

  private json(path: string, i: FakeGitLabIssue): Record<string, unknown> {
    return {
      id: i.projectId * 100_000 + i.iid,
      iid: i.iid,
      project_id: i.projectId,
      title: i.title,
      description: i.description,
      state: i.state,
      labels: i.labels,
      created_at: i.createdAt,
      updated_at: i.updatedAt,
      web_url: `${this.url}/${path}/-/issues/${i.iid}`,
      author: { username: 'human' },
    };
  }
}

/** Adds labels; a scoped label (`scope::value`) replaces any other label of its scope, as GitLab does. */
function exclusive(current: string[], added: string[]): string[] {
  let out = [...current];
  for (const label of added) {
    const scope = label.includes('::') ? label.slice(0, label.lastIndexOf('::')) : null;
    if (scope !== null) out = out.filter((l) => !(l.includes('::') && l.slice(0, l.lastIndexOf('::')) === scope));
    if (!out.includes(label)) out.push(label);
  }
  return out;
}
