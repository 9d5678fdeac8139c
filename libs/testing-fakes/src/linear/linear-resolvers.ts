import { randomUUID } from 'node:crypto';

import { GraphQLError } from 'graphql';

import type { FakeIssue, FakeRelation, FakeWorkflowState, LinearStore } from './linear-store';

type Args = Record<string, unknown>;
interface StringComparator {
  eq?: string;
  neq?: string;
  in?: string[];
  nin?: string[];
  eqIgnoreCase?: string;
}
interface IdComparator {
  eq?: string;
  in?: string[];
}
interface NumberComparator {
  eq?: number;
  in?: number[];
}
interface TeamFilter {
  id?: IdComparator;
  key?: StringComparator;
  null?: boolean;
}
interface StateFilter {
  id?: IdComparator;
  name?: StringComparator;
  type?: StringComparator;
  team?: TeamFilter;
}
interface IssueFilter {
  id?: IdComparator;
  number?: NumberComparator;
  team?: TeamFilter;
  state?: StateFilter;
  and?: IssueFilter[];
  or?: IssueFilter[];
}

const MAX_PAGE = 250;

/** Linear's errors carry `extensions.type` (the SDK maps it to an error class) and a machine `code`. */
function linearError(message: string, type: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { type, code, userPresentableMessage: message } });
}

function page<T>(items: T[], args: Args): { nodes: T[]; pageInfo: Record<string, unknown> } {
  const first = typeof args['first'] === 'number' ? args['first'] : 50;
  if (first < 0 || first > MAX_PAGE)
    throw linearError(`first must be between 0 and ${MAX_PAGE}`, 'invalid input', 'INVALID_INPUT');
  const start =
    typeof args['after'] === 'string' ? Number(Buffer.from(args['after'], 'base64').toString('utf8')) + 1 : 0;
  const nodes = items.slice(start, start + first);
  const cursor = (i: number) => Buffer.from(String(i)).toString('base64');
  return {
    nodes,
    pageInfo: {
      hasNextPage: start + first < items.length,
      hasPreviousPage: start > 0,
      startCursor: nodes.length ? cursor(start) : null,
      endCursor: nodes.length ? cursor(start + nodes.length - 1) : null,
    },
  };
}

function str(c: StringComparator | undefined, value: string): boolean {
  if (!c) return true;
  if (c.eq !== undefined && value !== c.eq) return false;
  if (c.neq !== undefined && value === c.neq) return false;
  if (c.in && !c.in.includes(value)) return false;
  if (c.nin && c.nin.includes(value)) return false;
  if (c.eqIgnoreCase !== undefined && value.toLowerCase() !== c.eqIgnoreCase.toLowerCase()) return false;
  return true;
}

function id(c: IdComparator | undefined, value: string): boolean {
  return !c || ((c.eq === undefined || c.eq === value) && (!c.in || c.in.includes(value)));
}

/** The root resolvers: what Linear's API answers for the subset of the schema the fake serves. */
export function linearResolvers(store: LinearStore): Record<string, (args: Args) => unknown> {
  const teamOf = (teamId: string) => {
    const team = store.teams.find((t) => t.id === teamId)!;
    return { id: team.id, key: team.key, name: team.name };
  };
  const teamMatches = (f: TeamFilter | undefined, teamId: string | undefined) => {
    if (!f) return true;
    if (f.null !== undefined) return f.null === (teamId === undefined);
    if (teamId === undefined) return false;
    const team = store.teams.find((t) => t.id === teamId)!;
    return id(f.id, team.id) && str(f.key, team.key);
  };
  const stateMatches = (f: StateFilter | undefined, s: FakeWorkflowState) =>
    !f || (id(f.id, s.id) && str(f.name, s.name) && str(f.type, s.type) && teamMatches(f.team, s.teamId));
  const issueMatches = (f: IssueFilter | undefined, i: FakeIssue): boolean => {
    if (!f) return true;
    const state = store.states.find((s) => s.id === i.stateId)!;
    if (!id(f.id, i.id) || !teamMatches(f.team, i.teamId) || !stateMatches(f.state, state)) return false;
    if (
      f.number &&
      ((f.number.eq !== undefined && f.number.eq !== i.number) || (f.number.in && !f.number.in.includes(i.number)))
    )
      return false;
    if (f.and && !f.and.every((g) => issueMatches(g, i))) return false;
    if (f.or && !f.or.some((g) => issueMatches(g, i))) return false;
    return true;
  };
  const stateView = (s: FakeWorkflowState) => ({
    id: s.id,
    name: s.name,
    type: s.type,
    position: s.position,
    team: () => teamOf(s.teamId),
  });
  const relationView = (r: FakeRelation) => ({
    id: r.id,
    type: r.type,
    issue: () => issueView(store.issue(r.issueId)),
    relatedIssue: () => issueView(store.issue(r.relatedIssueId)),
  });
  const issueView = (i: FakeIssue): Record<string, unknown> => ({
    id: i.id,
    identifier: i.identifier,
    number: i.number,
    title: i.title,
    description: i.description,
    priority: i.priority,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    url: `https://linear.app/fake/issue/${i.identifier}`,
    state: () => stateView(store.states.find((s) => s.id === i.stateId)!),
    team: () => teamOf(i.teamId),
    labels: (args: Args) =>
      page(
        i.labelIds
          .map((lid) => store.labels.find((l) => l.id === lid)!)
          .map((l) => ({ id: l.id, name: l.name, team: l.teamId ? teamOf(l.teamId) : null })),
        args,
      ),
    comments: (args: Args) =>
      page(
        i.comments.map((c) => ({
          id: c.id,
          body: c.body,
          createdAt: c.createdAt,
          updatedAt: c.updatedAt,
          user: { id: c.userName, name: c.userName, displayName: c.userName },
        })),
        args,
      ),
    relations: (args: Args) => page(store.relations.filter((r) => r.issueId === i.id).map(relationView), args),
    inverseRelations: (args: Args) =>
      page(store.relations.filter((r) => r.relatedIssueId === i.id).map(relationView), args),
  });
  const mustFind = (idOrKey: string) => {
    const issue = store.findIssue(idOrKey);
    if (!issue)
      throw linearError('Entity not found: Issue - Could not find referenced Issue.', 'invalid input', 'INPUT_ERROR');
    return issue;
  };

  return {
    issues: (args) => {
      const byAge =
        args['orderBy'] === 'updatedAt'
          ? (a: FakeIssue, b: FakeIssue) => b.updatedAt.localeCompare(a.updatedAt)
          : (a: FakeIssue, b: FakeIssue) => b.createdAt.localeCompare(a.createdAt);
      const matching = store.issues
        .filter((i) => issueMatches(args['filter'] as IssueFilter | undefined, i))
        .sort(byAge);
      return page(matching.map(issueView), args);
    },
    issue: (args) => issueView(mustFind(String(args['id']))),
    workflowStates: (args) =>
      page(store.states.filter((s) => stateMatches(args['filter'] as StateFilter | undefined, s)).map(stateView), args),
    issueLabels: (args) => {
      const f = args['filter'] as { name?: StringComparator; team?: TeamFilter } | undefined;
      const labels = store.labels.filter((l) => str(f?.name, l.name) && teamMatches(f?.team, l.teamId));
      return page(
        labels.map((l) => ({ id: l.id, name: l.name, team: l.teamId ? teamOf(l.teamId) : null })),
        args,
      );
    },
    teams: (args) =>
      page(
        store.teams.filter((t) => teamMatches(args['filter'] as TeamFilter | undefined, t.id)).map((t) => teamOf(t.id)),
        args,
      ),
    issueUpdate: (args) => {
      const issue = mustFind(String(args['id']));
      const input = args['input'] as {
        stateId?: string;
        labelIds?: string[];
        title?: string;
        description?: string;
        priority?: number;
      };
      if (input.stateId !== undefined) {
        const state = store.states.find((s) => s.id === input.stateId);
        if (!state || state.teamId !== issue.teamId)
          throw linearError(
            "Argument Validation Error - stateId must be a state of the issue's team.",
            'invalid input',
            'INVALID_INPUT',
          );
        issue.stateId = state.id;
      }
      if (input.labelIds) issue.labelIds = [...input.labelIds];
      if (input.title !== undefined) issue.title = input.title;
      if (input.description !== undefined) issue.description = input.description;
      if (input.priority !== undefined) issue.priority = input.priority;
      return { success: true, lastSyncId: store.touch(issue), issue: issueView(issue) };
    },
    commentCreate: (args) => {
      const input = args['input'] as { issueId?: string; body?: string };
      const issue = mustFind(String(input.issueId ?? ''));
      const now = new Date().toISOString();
      const comment = {
        id: randomUUID(),
        body: input.body ?? '',
        createdAt: now,
        updatedAt: now,
        userName: 'nightshift-bot',
      };
      issue.comments.push(comment);
      const syncId = store.touch(issue);
      return {
        success: true,
        lastSyncId: syncId,
        comment: { ...comment, user: { id: 'bot', name: 'nightshift-bot', displayName: 'nightshift-bot' } },
      };
    },
    issueAddLabel: (args) => {
      const issue = mustFind(String(args['id']));
      const labelId = String(args['labelId']);
      if (!store.labels.some((l) => l.id === labelId))
        throw linearError('Entity not found: IssueLabel', 'invalid input', 'INPUT_ERROR');
      if (!issue.labelIds.includes(labelId)) issue.labelIds.push(labelId);
      return { success: true, lastSyncId: store.touch(issue), issue: issueView(issue) };
    },
    issueLabelCreate: (args) => {
      const input = args['input'] as { name: string; teamId?: string };
      const label = { id: randomUUID(), name: input.name, teamId: input.teamId };
      store.labels.push(label);
      return {
        success: true,
        lastSyncId: store.nextSyncId(),
        issueLabel: { id: label.id, name: label.name, team: label.teamId ? teamOf(label.teamId) : null },
      };
    },
  };
}
