import { LinearClient } from '@linear/sdk';
import type { Ticket } from '@nightshift/domain';
import { TrackerRateLimitedError, TrackerRequestError } from '../errors';
import { compareDispatch, normalizeLabels } from '../ticket-file';
import type { Tracker, TrackerTicket } from '../tracker';
import type { WorkflowStates } from '../workflow-states';
import { ADD_LABEL_MUTATION, COMMENT_MUTATION, CREATE_LABEL_MUTATION, FIND_LABEL_QUERY, ISSUES_QUERY, MOVE_MUTATION, STATES_QUERY, type IssueNode, type IssuesPage, type StatesResult } from './linear-documents';
import { resetInstant, toTrackerError } from './linear-errors';
import { TeamStateNames, type TeamStates } from './team-states';

export interface LinearTrackerOptions {
  apiKey: string;
  /** Name of the environment variable the key came from, for error messages (never the key itself). */
  tokenEnv: string;
  /** GraphQL endpoint; default Linear's. Plain http is accepted for localhost only (the SDK's rule). */
  apiUrl?: string;
  /** The teams whose issues Nightshift works, each optionally with its own state names. */
  teams: TeamStates[];
  /** The state names callers use (config `tracker.states`). */
  states: WorkflowStates;
  /** Issues per page, at most 250 (Linear's maximum). One page is one request. Default 100. */
  pageSize?: number;
  /** Comments fetched with each candidate (the full thread comes with getTicket). Default 20. */
  candidateComments?: number;
  /** Back-off after a rate-limit answer that names no reset time. Default 60 s. */
  rateLimitBackoffMs?: number;
}

const CLOSED_TYPES = new Set(['completed', 'canceled']);
const MAX_CACHE = 10_000;

/**
 * Linear through the official SDK's GraphQL client. Each read is one request per page of up to
 * `pageSize` issues with every field resolved in it, so a poll costs the same for 10 or 250
 * candidates. After a rate-limit answer every call fails fast with TrackerRateLimitedError until
 * the reset instant: the scanner skips those ticks and resumes by itself.
 */
export class LinearTracker implements Tracker {
  readonly kind = 'linear';
  private readonly client: LinearClient;
  private readonly names: TeamStateNames;
  private readonly teamKeys: string[];
  private readonly pageSize: number;
  private readonly candidateComments: number;
  private readonly backoffMs: number;
  private backoffUntil = 0;
  private stateIds?: Map<string, Map<string, string>>;
  private readonly teamIds = new Map<string, string>();
  /** key → ids, learned from every issue read, so moves and comments need no extra lookup. */
  private readonly refs = new Map<string, { id: string; teamId: string }>();

  constructor(private readonly opts: LinearTrackerOptions) {
    if (opts.teams.length === 0) throw new TypeError('LinearTracker: configure at least one team (tracker.teams).');
    this.client = new LinearClient({ apiKey: opts.apiKey, apiUrl: opts.apiUrl });
    this.names = new TeamStateNames(opts.states, opts.teams);
    this.teamKeys = opts.teams.map((t) => t.key);
    this.pageSize = Math.min(250, Math.max(1, opts.pageSize ?? 100));
    this.candidateComments = Math.min(250, Math.max(0, opts.candidateComments ?? 20));
    this.backoffMs = opts.rateLimitBackoffMs ?? 60_000;
  }

  /** Unblocked issues of the configured teams in the given states, urgent first, then oldest. */
  async listByStates(states: string[]): Promise<Ticket[]> {
    const or = this.teamKeys.map((team) => ({ team: { key: { eq: team } }, state: { name: { in: [...new Set(states.flatMap((s) => this.names.toTeam(team, s)))] } } }));
    const tickets = await this.readIssues({ or }, this.candidateComments);
    return tickets.filter((t) => !(t.blockedBy ?? []).some((b) => b.open)).sort(compareDispatch);
  }

  /** The issue with its comments and blockers, or null when the key is not an issue of a configured team. */
  async getTicket(key: string): Promise<TrackerTicket | null> {
    const parsed = this.parseKey(key);
    if (!parsed) return null;
    const [ticket] = await this.readIssues({ team: { key: { eq: parsed.team } }, number: { eq: parsed.number } }, 250);
    return ticket ?? null;
  }

  /** Current (global) state names of the given issues, one request per page of keys. */
  async statesOf(keys: string[]): Promise<Map<string, string>> {
    const byTeam = new Map<string, number[]>();
    for (const key of keys) {
      const parsed = this.parseKey(key);
      if (parsed) byTeam.set(parsed.team, [...(byTeam.get(parsed.team) ?? []), parsed.number]);
    }
    const out = new Map<string, string>();
    if (byTeam.size === 0) return out;
    const or = [...byTeam].map(([team, numbers]) => ({ team: { key: { eq: team } }, number: { in: numbers } }));
    for (const t of await this.readIssues({ or }, 0)) out.set(t.key, t.state);
    return out;
  }

  async moveTo(key: string, state: string): Promise<void> {
    const ref = await this.ref(key);
    const team = this.teamKeyOf(ref.teamId);
    const stateId = await this.stateId(team, this.names.toTeam(team, state)[0]!);
    const data = await this.request<{ issueUpdate: { success: boolean } }>('NightshiftMove', MOVE_MUTATION, { id: ref.id, stateId });
    if (!data.issueUpdate.success) throw new TrackerRequestError('Linear', `moving ${key} to "${state}"`, 'issueUpdate answered success: false');
  }

  async comment(key: string, body: string): Promise<void> {
    const ref = await this.ref(key);
    const data = await this.request<{ commentCreate: { success: boolean } }>('NightshiftComment', COMMENT_MUTATION, { issueId: ref.id, body });
    if (!data.commentCreate.success) throw new TrackerRequestError('Linear', `commenting on ${key}`, 'commentCreate answered success: false');
  }

  /** Adds a workspace or team label by name (case-insensitive), creating it on the issue's team when missing. */
  async addLabel(key: string, label: string): Promise<void> {
    const ref = await this.ref(key);
    const found = await this.request<{ issueLabels: { nodes: Array<{ id: string; team: { id: string } | null }> } }>('NightshiftLabel', FIND_LABEL_QUERY, { name: label });
    let labelId = found.issueLabels.nodes.find((l) => l.team === null || l.team.id === ref.teamId)?.id;
    if (!labelId) {
      const created = await this.request<{ issueLabelCreate: { issueLabel: { id: string } } }>('NightshiftCreateLabel', CREATE_LABEL_MUTATION, { name: label, teamId: ref.teamId });
      labelId = created.issueLabelCreate.issueLabel.id;
    }
    await this.request('NightshiftAddLabel', ADD_LABEL_MUTATION, { id: ref.id, labelId });
  }

  private async readIssues(filter: unknown, comments: number): Promise<TrackerTicket[]> {
    const tickets: TrackerTicket[] = [];
    let after: string | null = null;
    do {
      const page: IssuesPage = await this.request<IssuesPage>('NightshiftIssues', ISSUES_QUERY, { filter, first: this.pageSize, after, comments });
      for (const node of page.issues.nodes) {
        this.remember(node);
        tickets.push(this.toTicket(node));
      }
      after = page.issues.pageInfo.hasNextPage ? page.issues.pageInfo.endCursor : null;
    } while (after);
    return tickets;
  }

  private toTicket(node: IssueNode): TrackerTicket {
    const team = node.team.key;
    return {
      key: node.identifier,
      id: node.id,
      title: node.title,
      description: node.description ?? '',
      state: this.names.toGlobal(team, node.state.name),
      labels: normalizeLabels(node.labels.nodes.map((l) => l.name)),
      priority: node.priority,
      createdAt: node.createdAt,
      updatedAt: node.updatedAt,
      url: node.url,
      comments: node.comments.nodes.map((c) => ({ author: c.user?.name ?? 'unknown', body: c.body, createdAt: c.createdAt })),
      // A "blocks" relation stored on the other issue shows up here as an inverse relation: that issue blocks this one.
      blockedBy: node.inverseRelations.nodes
        .filter((r) => r.type === 'blocks')
        .map((r) => ({ key: r.issue.identifier, state: r.issue.state.name, open: !CLOSED_TYPES.has(r.issue.state.type) })),
    };
  }

  private remember(node: IssueNode): void {
    if (this.refs.size >= MAX_CACHE) this.refs.clear();
    this.refs.set(node.identifier, { id: node.id, teamId: node.team.id });
  }

  private async ref(key: string): Promise<{ id: string; teamId: string }> {
    const known = this.refs.get(key);
    if (known) return known;
    const parsed = this.parseKey(key);
    if (parsed) await this.readIssues({ team: { key: { eq: parsed.team } }, number: { eq: parsed.number } }, 0);
    const ref = this.refs.get(key);
    if (!ref) throw new TrackerRequestError('Linear', `finding issue ${key}`, `no issue ${key} in teams ${this.teamKeys.join(', ')}`);
    return ref;
  }

  private async stateId(team: string, name: string): Promise<string> {
    for (const refresh of [false, true]) {
      if (!this.stateIds || refresh) {
        const data = await this.request<StatesResult>('NightshiftStates', STATES_QUERY, { teams: this.teamKeys });
        this.stateIds = new Map();
        for (const s of data.workflowStates.nodes) {
          const byName = this.stateIds.get(s.team.key) ?? new Map<string, string>();
          byName.set(s.name, s.id);
          this.stateIds.set(s.team.key, byName);
          this.teamIds.set(s.team.id, s.team.key);
        }
      }
      const id = this.stateIds.get(team)?.get(name);
      if (id) return id;
    }
    const known = [...(this.stateIds?.get(team)?.keys() ?? [])].join(', ');
    throw new TrackerRequestError('Linear', `moving an issue of team ${team}`, `the team has no state named "${name}" (it has: ${known || 'none visible'})`);
  }

  private teamKeyOf(teamId: string): string {
    const known = this.teamIds.get(teamId);
    if (known) return known;
    // Before the state list was read, the key is found from any cached issue's identifier prefix.
    for (const [key, ref] of this.refs) if (ref.teamId === teamId) return key.slice(0, key.lastIndexOf('-'));
    throw new TrackerRequestError('Linear', 'resolving a team', `unknown team id ${teamId}`);
  }

  private parseKey(key: string): { team: string; number: number } | null {
    const m = /^([A-Za-z0-9_]+)-(\d+)$/.exec(key);
    if (!m || !this.teamKeys.includes(m[1]!)) return null;
    return { team: m[1]!, number: Number(m[2]) };
  }

  /** One GraphQL request through the SDK's client, with the back-off and the error mapping. */
  private async request<T>(operation: string, query: string, variables: Record<string, unknown>): Promise<T> {
    const now = Date.now();
    if (now < this.backoffUntil) throw new TrackerRateLimitedError('Linear', this.backoffUntil);
    try {
      const res = await this.client.client.rawRequest<T, Record<string, unknown>>(query, variables);
      // Out of quota but this answer still came through: stop before Linear starts refusing.
      if (res.headers?.get('x-ratelimit-requests-remaining') === '0') {
        this.backoffUntil = resetInstant(Number(res.headers.get('x-ratelimit-requests-reset') ?? NaN), Date.now(), this.backoffMs);
      }
      return res.data as T;
    } catch (err) {
      const mapped = toTrackerError(err, operation, this.opts.tokenEnv, Date.now(), this.backoffMs);
      if (mapped instanceof TrackerRateLimitedError) this.backoffUntil = mapped.retryAt;
      throw mapped;
    }
  }
}
