import { randomUUID } from 'node:crypto';

export interface FakeWorkflowState {
  id: string;
  name: string;
  /** Linear's state types: triage, backlog, unstarted, started, completed, canceled. */
  type: string;
  position: number;
  teamId: string;
}

export interface FakeTeam {
  id: string;
  key: string;
  name: string;
}

export interface FakeLabel {
  id: string;
  name: string;
  teamId?: string;
}

export interface FakeComment {
  id: string;
  body: string;
  createdAt: string;
  updatedAt: string;
  userName: string;
}

export interface FakeIssue {
  id: string;
  teamId: string;
  number: number;
  identifier: string;
  title: string;
  description: string;
  priority: number;
  createdAt: string;
  updatedAt: string;
  stateId: string;
  labelIds: string[];
  comments: FakeComment[];
}

export interface FakeRelation {
  id: string;
  type: 'blocks' | 'duplicate' | 'related';
  issueId: string;
  relatedIssueId: string;
}

/** The states every fake team gets unless told otherwise (names as Nightshift's defaults expect). */
export const DEFAULT_FAKE_STATES: Array<{ name: string; type: string }> = [
  { name: 'Backlog', type: 'backlog' },
  { name: 'Agent Queue', type: 'unstarted' },
  { name: 'In Progress', type: 'started' },
  { name: 'In Review', type: 'started' },
  { name: 'Needs Human', type: 'started' },
  { name: 'Done', type: 'completed' },
  { name: 'Canceled', type: 'canceled' },
];

export interface NewFakeIssue {
  team: string;
  title: string;
  description?: string;
  /** State name in that team; default the team's first unstarted state. */
  state?: string;
  labels?: string[];
  priority?: number;
  createdAt?: string;
}

/** The fake workspace: teams, their workflow states, labels, issues, comments and relations. */
export class LinearStore {
  readonly teams: FakeTeam[] = [];
  readonly states: FakeWorkflowState[] = [];
  readonly labels: FakeLabel[] = [];
  readonly issues: FakeIssue[] = [];
  readonly relations: FakeRelation[] = [];
  private syncId = 1000;
  private clock = Date.parse('2025-01-01T00:00:00.000Z');

  addTeam(key: string, states: Array<{ name: string; type: string }> = DEFAULT_FAKE_STATES): FakeTeam {
    const team = { id: randomUUID(), key, name: `Team ${key}` };
    this.teams.push(team);
    states.forEach((s, i) =>
      this.states.push({ id: randomUUID(), name: s.name, type: s.type, position: i, teamId: team.id }),
    );
    return team;
  }

  createIssue(input: NewFakeIssue): FakeIssue {
    const team = this.teams.find((t) => t.key === input.team);
    if (!team) throw new Error(`fake Linear: no team ${input.team}`);
    const state = input.state
      ? this.stateByName(team.id, input.state)
      : this.states.find((s) => s.teamId === team.id && s.type === 'unstarted');
    if (!state) throw new Error(`fake Linear: team ${team.key} has no state ${input.state ?? '(unstarted)'}`);
    const number = 1 + Math.max(0, ...this.issues.filter((i) => i.teamId === team.id).map((i) => i.number));
    // A strictly increasing clock: "age" order is then the creation order, as on the real service.
    const createdAt = input.createdAt ?? new Date((this.clock += 1000)).toISOString();
    const issue: FakeIssue = {
      id: randomUUID(),
      teamId: team.id,
      number,
      identifier: `${team.key}-${number}`,
      title: input.title,
      description: input.description ?? '',
      priority: input.priority ?? 0,
      createdAt,
      updatedAt: createdAt,
      stateId: state.id,
      labelIds: (input.labels ?? []).map((name) => this.labelNamed(name, team.id).id),
      comments: [],
    };
    this.issues.push(issue);
    return issue;
  }

  /** `blocker` blocks `blocked` (Linear stores one `blocks` relation; the blocked issue sees it as an inverse relation). */
  addBlocks(blocker: string, blocked: string): void {
    this.relations.push({
      id: randomUUID(),
      type: 'blocks',
      issueId: this.issue(blocker).id,
      relatedIssueId: this.issue(blocked).id,
    });
  }

  /** By UUID or identifier (Linear accepts both where an issue id is asked for). */
  findIssue(idOrKey: string): FakeIssue | undefined {
    return this.issues.find((i) => i.id === idOrKey || i.identifier === idOrKey);
  }

  issue(idOrKey: string): FakeIssue {
    const issue = this.findIssue(idOrKey);
    if (!issue) throw new Error(`fake Linear: no issue ${idOrKey}`);
    return issue;
  }

  stateByName(teamId: string, name: string): FakeWorkflowState | undefined {
    return this.states.find((s) => s.teamId === teamId && s.name === name);
  }

  labelNamed(name: string, teamId?: string): FakeLabel {
    const existing = this.labels.find(
      (l) => l.name.toLowerCase() === name.toLowerCase() && (!l.teamId || l.teamId === teamId),
    );
    if (existing) return existing;
    const label = { id: randomUUID(), name, teamId };
    this.labels.push(label);
    return label;
  }

  touch(issue: FakeIssue): number {
    issue.updatedAt = new Date(Math.max(Date.now(), Date.parse(issue.updatedAt) + 1)).toISOString();
    return ++this.syncId;
  }

  nextSyncId(): number {
    return ++this.syncId;
  }
}
