import type { JqlIssueView } from './jira-jql';

export type StatusCategory = 'new' | 'indeterminate' | 'done';

export interface FakeJiraStatus {
  id: string;
  name: string;
  category: StatusCategory;
}

/** A workflow transition: its `from` statuses (the only ones it is offered from) and where it leads. */
export interface FakeJiraTransition {
  id: string;
  name: string;
  from: string[];
  to: string;
}

export interface FakeJiraWorkflow {
  name: string;
  statuses: FakeJiraStatus[];
  transitions: FakeJiraTransition[];
}

/**
 * The workflow every fake project uses unless told otherwise: Backlog only leads to Agent Queue, so
 * a move straight from Backlog to In Review is refused as a real workflow refuses it.
 */
export const DEFAULT_FAKE_JIRA_WORKFLOW: FakeJiraWorkflow = {
  name: 'Nightshift Software Workflow',
  statuses: [
    { id: '1', name: 'Backlog', category: 'new' },
    { id: '2', name: 'Agent Queue', category: 'new' },
    { id: '3', name: 'In Progress', category: 'indeterminate' },
    { id: '4', name: 'In Review', category: 'indeterminate' },
    { id: '5', name: 'Needs Human', category: 'indeterminate' },
    { id: '6', name: 'Done', category: 'done' },
  ],
  transitions: [
    {
      id: '11',
      name: 'Queue for agent',
      from: ['Backlog', 'In Progress', 'In Review', 'Needs Human'],
      to: 'Agent Queue',
    },
    { id: '21', name: 'Start work', from: ['Agent Queue', 'In Review', 'Needs Human'], to: 'In Progress' },
    { id: '31', name: 'Submit for review', from: ['In Progress'], to: 'In Review' },
    { id: '41', name: 'Ask a human', from: ['Agent Queue', 'In Progress', 'In Review'], to: 'Needs Human' },
    { id: '51', name: 'Done', from: ['In Review', 'In Progress'], to: 'Done' },
  ],
};

export interface FakeJiraComment {
  id: string;
  author: string;
  body: unknown;
  created: string;
}

export interface FakeJiraIssue {
  id: string;
  key: string;
  project: string;
  summary: string;
  description: unknown;
  status: string;
  labels: string[];
  priority: string;
  created: number;
  updated: number;
  /** Keys of the issues that block this one ("is blocked by"). */
  blockedBy: string[];
  comments: FakeJiraComment[];
}

export interface NewFakeJiraIssue {
  project: string;
  summary: string;
  /** An ADF document, or plain text the fake wraps in one paragraph. */
  description?: unknown;
  status?: string;
  labels?: string[];
  priority?: 'Highest' | 'High' | 'Medium' | 'Low' | 'Lowest';
  /** Milliseconds since epoch; default now (tests space issues out to fix their order). */
  created?: number;
}

const PRIORITIES = ['Highest', 'High', 'Medium', 'Low', 'Lowest'];

/** The issues, projects and workflow of one fake Jira site. */
export class JiraStore {
  readonly issues: FakeJiraIssue[] = [];
  private nextId = 10_000;
  private readonly counters = new Map<string, number>();

  constructor(
    readonly projects: Array<{ id: string; key: string }>,
    readonly workflow: FakeJiraWorkflow,
  ) {}

  create(input: NewFakeJiraIssue): FakeJiraIssue {
    const project = this.projects.find((p) => p.key === input.project);
    if (!project) throw new Error(`fake Jira: no project ${input.project}`);
    const status = input.status ?? this.workflow.statuses[0]!.name;
    this.status(status);
    const n = (this.counters.get(project.key) ?? 0) + 1;
    this.counters.set(project.key, n);
    const at = input.created ?? Date.now();
    const issue: FakeJiraIssue = {
      id: String(this.nextId++),
      key: `${project.key}-${n}`,
      project: project.key,
      summary: input.summary,
      description:
        typeof input.description === 'string'
          ? {
              type: 'doc',
              version: 1,
              content: [{ type: 'paragraph', content: [{ type: 'text', text: input.description }] }],
            }
          : (input.description ?? null),
      status,
      labels: input.labels ?? [],
      priority: input.priority ?? 'Medium',
      created: at,
      updated: at,
      blockedBy: [],
      comments: [],
    };
    this.issues.push(issue);
    return issue;
  }

  find(idOrKey: string): FakeJiraIssue | undefined {
    return this.issues.find((i) => i.key === idOrKey || i.id === idOrKey);
  }

  status(name: string): FakeJiraStatus {
    const s = this.workflow.statuses.find((x) => x.name === name);
    if (!s) throw new Error(`fake Jira: the workflow has no status ${name}`);
    return s;
  }

  /** The transitions the workflow offers from the issue's current status. */
  transitionsFrom(issue: FakeJiraIssue): FakeJiraTransition[] {
    return this.workflow.transitions.filter((t) => t.from.includes(issue.status));
  }

  touch(issue: FakeJiraIssue): void {
    // Strictly increasing, so a watermark taken between two changes always separates them.
    issue.updated = Math.max(Date.now(), issue.updated + 1);
  }

  jqlView(i: FakeJiraIssue): JqlIssueView {
    return {
      key: i.key,
      project: i.project,
      status: i.status,
      labels: i.labels,
      updated: i.updated,
      created: i.created,
      priorityRank: PRIORITIES.indexOf(i.priority) + 1,
    };
  }

  /** The issue as the REST API returns it, with only the requested fields (none named: none returned). */
  toJson(i: FakeJiraIssue, fields: string[], site: string): Record<string, unknown> {
    const all = fields.includes('*all') || fields.includes('*navigable');
    const want = (f: string) => all || fields.includes(f);
    const project = this.projects.find((p) => p.key === i.project)!;
    const out: Record<string, unknown> = {};
    if (want('summary')) out['summary'] = i.summary;
    if (want('status')) out['status'] = this.statusJson(i.status);
    if (want('labels')) out['labels'] = i.labels;
    if (want('priority')) out['priority'] = { id: String(PRIORITIES.indexOf(i.priority) + 1), name: i.priority };
    if (want('created')) out['created'] = jiraTime(i.created);
    if (want('updated')) out['updated'] = jiraTime(i.updated);
    if (want('description')) out['description'] = i.description;
    if (want('project')) out['project'] = { id: project.id, key: project.key };
    if (want('issuetype')) out['issuetype'] = { id: '10001', name: 'Task' };
    if (want('issuelinks'))
      out['issuelinks'] = i.blockedBy.map((key, n) => {
        const b = this.find(key);
        return {
          id: `${i.id}${n}`,
          type: { id: '10000', name: 'Blocks', inward: 'is blocked by', outward: 'blocks' },
          inwardIssue: { id: b?.id, key, fields: { status: this.statusJson(b?.status ?? 'Backlog') } },
        };
      });
    if (want('comment'))
      out['comment'] = {
        comments: i.comments.map((c) => ({
          id: c.id,
          author: { displayName: c.author },
          body: c.body,
          created: c.created,
        })),
        total: i.comments.length,
      };
    return { id: i.id, key: i.key, self: `${site}/rest/api/3/issue/${i.id}`, fields: out };
  }

  statusJson(name: string): Record<string, unknown> {
    const s = this.status(name);
    return { id: s.id, name: s.name, statusCategory: { key: s.category } };
  }
}

/** Jira's timestamp form: 2026-12-07T19:40:14.000+0000. */
export function jiraTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}
