import { gitlabPage } from './gitlab-paging';

export interface FakeGitLabNote {
  id: number;
  body: string;
  author: string;
  createdAt: string;
  system: boolean;
}

export interface FakeGitLabJob {
  id: number;
  name: string;
  status: 'success' | 'failed' | 'canceled';
  finishedAt: string;
  trace: string;
}

export interface FakeGitLabPipeline {
  id: number;
  status: 'success' | 'failed' | 'canceled';
  ref: string;
  updatedAt: string;
  jobs: FakeGitLabJob[];
}

export interface FakeGitLabMr {
  projectId: number;
  iid: number;
  title: string;
  description: string;
  state: 'opened' | 'closed' | 'merged';
  sourceBranch: string;
  targetBranch: string;
  labels: string[];
  draft: boolean;
  createdAt: string;
  updatedAt: string;
  notes: FakeGitLabNote[];
  pipelines: FakeGitLabPipeline[];
}

export type FakeAnswer = { status: number; body?: unknown; headers?: Record<string, string> };
type Project = { id: number; path: string };

/**
 * The merge-request part of the fake GitLab: one open MR per source branch (a second create answers
 * 409 "Another open merge request already exists for this source branch", as GitLab does), labels
 * (set, add, remove), close/reopen, and notes.
 */
export class FakeGitLabMrs {
  readonly mrs: FakeGitLabMr[] = [];

  constructor(
    private readonly origin: () => string,
    private readonly nextNoteId: () => number,
    private readonly branchExists: (project: string, branch: string) => boolean,
  ) {}

  route(project: Project, method: string, rest: string, url: URL, body: Record<string, unknown>): FakeAnswer {
    const m = /^(?:\/(\d+)(\/notes|\/pipelines)?)?$/.exec(rest);
    if (!m) return { status: 404, body: { error: '404 Not Found' } };
    if (m[2] === '/pipelines') {
      const of = this.mrs.find((x) => x.projectId === project.id && x.iid === Number(m[1]));
      if (!of || method !== 'GET') return { status: 404, body: { message: '404 Not found' } };
      return {
        status: 200,
        body: [...of.pipelines].reverse().map((p) => pipelineJson(this.origin(), project.path, p)),
      };
    }
    if (!m[1] && method === 'GET') return this.list(project, url);
    if (!m[1] && method === 'POST') return this.create(project, body);
    const mr = this.mrs.find((x) => x.projectId === project.id && x.iid === Number(m[1]));
    if (!mr) return { status: 404, body: { message: '404 Not found' } };
    if (!m[2] && method === 'GET') return { status: 200, body: this.json(project.path, mr) };
    if (!m[2] && method === 'PUT') return this.edit(project, mr, body);
    if (m[2] && method === 'GET') return { status: 200, body: mr.notes.map(noteJson) };
    if (m[2] && method === 'POST') {
      if (typeof body['body'] !== 'string' || body['body'].trim() === '')
        return { status: 400, body: { message: { note: ["can't be blank"] } } };
      const note = this.addNote(mr, 'nightshift-bot', body['body']);
      return { status: 201, body: noteJson(note) };
    }
    return { status: 405, body: { error: '405 Method Not Allowed' } };
  }

  addNote(mr: FakeGitLabMr, author: string, body: string, system = false): FakeGitLabNote {
    const note = { id: this.nextNoteId(), body, author, createdAt: new Date().toISOString(), system };
    mr.notes.push(note);
    mr.updatedAt = note.createdAt;
    return note;
  }

  private create(project: Project, body: Record<string, unknown>): FakeAnswer {
    const source = body['source_branch'];
    const target = body['target_branch'];
    const title = body['title'];
    if (typeof source !== 'string' || typeof target !== 'string' || typeof title !== 'string' || !title.trim())
      return { status: 400, body: { error: 'source_branch, target_branch, title are missing' } };
    if (!this.branchExists(project.path, source))
      return { status: 422, body: { message: [`Source branch "${source}" does not exist`] } };
    const open = this.mrs.find((x) => x.projectId === project.id && x.sourceBranch === source && x.state === 'opened');
    if (open)
      return {
        status: 409,
        body: { message: [`Another open merge request already exists for this source branch: !${open.iid}`] },
      };
    const at = new Date().toISOString();
    const mr: FakeGitLabMr = {
      projectId: project.id,
      iid: this.mrs.filter((x) => x.projectId === project.id).length + 1,
      title,
      description: typeof body['description'] === 'string' ? body['description'] : '',
      state: 'opened',
      sourceBranch: source,
      targetBranch: target,
      labels: split(body['labels']),
      draft: /^(draft:|\[draft\])/i.test(title),
      createdAt: at,
      updatedAt: at,
      notes: [],
      pipelines: [],
    };
    this.mrs.push(mr);
    return { status: 201, body: this.json(project.path, mr) };
  }

  private edit(project: Project, mr: FakeGitLabMr, body: Record<string, unknown>): FakeAnswer {
    const event = body['state_event'];
    if (event !== undefined && !['close', 'reopen'].includes(String(event)))
      return { status: 400, body: { error: 'state_event does not have a valid value' } };
    if (mr.state === 'merged' && event !== undefined)
      return { status: 405, body: { message: '405 Method Not Allowed: the merge request is merged' } };
    let labels = body['labels'] !== undefined ? split(body['labels']) : [...mr.labels];
    const removed = split(body['remove_labels']);
    labels = labels.filter((l) => !removed.includes(l));
    for (const l of split(body['add_labels'])) if (!labels.includes(l)) labels.push(l);
    mr.labels = labels;
    if (typeof body['title'] === 'string') mr.title = body['title'];
    if (typeof body['description'] === 'string') mr.description = body['description'];
    if (event === 'close') mr.state = 'closed';
    if (event === 'reopen') mr.state = 'opened';
    mr.updatedAt = new Date().toISOString();
    return { status: 200, body: this.json(project.path, mr) };
  }

  private list(project: Project, url: URL): FakeAnswer {
    const q = url.searchParams;
    const state = q.get('state') ?? 'all';
    const source = q.get('source_branch');
    const hits = this.mrs.filter(
      (x) =>
        x.projectId === project.id && (state === 'all' || x.state === state) && (!source || x.sourceBranch === source),
    );
    return gitlabPage(hits, url, this.origin(), (x) => this.json(project.path, x));
  }

  private json(path: string, x: FakeGitLabMr): Record<string, unknown> {
    return {
      id: x.projectId * 100_000 + x.iid,
      iid: x.iid,
      project_id: x.projectId,
      title: x.title,
      description: x.description,
      state: x.state,
      source_branch: x.sourceBranch,
      target_branch: x.targetBranch,
      labels: x.labels,
      draft: x.draft,
      created_at: x.createdAt,
      updated_at: x.updatedAt,
      merged_at: x.state === 'merged' ? x.updatedAt : null,
      web_url: `${this.origin()}/${path}/-/merge_requests/${x.iid}`,
      author: { username: 'nightshift-bot' },
    };
  }
}

/** The pipeline and job routes: `/pipelines/:id/jobs` (`scope[]` filters by status) and `/jobs/:id/trace`. */
export function pipelineRoute(mrs: FakeGitLabMr[], projectId: number, rest: string, url: URL): FakeAnswer {
  const pipelines = mrs.filter((x) => x.projectId === projectId).flatMap((x) => x.pipelines);
  const jobs = /^\/pipelines\/(\d+)\/jobs$/.exec(rest);
  if (jobs) {
    const pipeline = pipelines.find((p) => p.id === Number(jobs[1]));
    if (!pipeline) return { status: 404, body: { message: '404 Not found' } };
    const scopes = [...url.searchParams.getAll('scope[]'), ...url.searchParams.getAll('scope')];
    return {
      status: 200,
      body: pipeline.jobs
        .filter((j) => scopes.length === 0 || scopes.includes(j.status))
        .map((j) => ({ id: j.id, name: j.name, status: j.status, finished_at: j.finishedAt, web_url: `job/${j.id}` })),
    };
  }
  const trace = /^\/jobs\/(\d+)\/trace$/.exec(rest);
  const job = trace ? pipelines.flatMap((p) => p.jobs).find((j) => j.id === Number(trace[1])) : undefined;
  if (!job) return { status: 404, body: { message: '404 Not found' } };
  return { status: 200, body: job.trace, headers: { 'content-type': 'text/plain' } };
}

function pipelineJson(origin: string, path: string, p: FakeGitLabPipeline): Record<string, unknown> {
  return {
    id: p.id,
    status: p.status,
    ref: p.ref,
    updated_at: p.updatedAt,
    web_url: `${origin}/${path}/-/pipelines/${p.id}`,
  };
}

function noteJson(n: FakeGitLabNote): Record<string, unknown> {
  return { id: n.id, body: n.body, author: { username: n.author }, created_at: n.createdAt, system: n.system };
}

function split(v: unknown): string[] {
  return typeof v === 'string' ? v.split(',').filter(Boolean) : Array.isArray(v) ? (v as string[]) : [];
}
