import type { Ticket } from '@nightshift/domain';

import { TrackerRequestError } from '../errors';
import { compareDispatch, normalizeLabels } from '../ticket-file';
import type { Tracker, TrackerBudget, TrackerTicket, TrackerUsage } from '../tracker';
import type { WorkflowStates } from '../workflow-states';
import { CandidateCache, isOpenStateType } from './candidate-cache';
import {
  ADD_LABEL_MUTATION,
  BLOCKER_STATES,
  CANDIDATE_KEYS,
  CANDIDATES,
  COMMENT_MUTATION,
  type Connection,
  CREATE_LABEL_COST,
  CREATE_LABEL_MUTATION,
  FIND_LABEL,
  ISSUE_REF,
  type IssueNode,
  linearCost,
  MOVE_MUTATION,
  STATES_OF,
  TICKET,
  WORKFLOW_STATES,
} from './linear-documents';
import { LinearGraphql } from './linear-graphql';
import { LINEAR_PUBLISHED_LIMITS, type LinearHourlyBudget } from './linear-limits';
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
  /** Most issues per request (Linear allows 250); a query whose complexity needs smaller pages gets them. Default 250. */
  pageSize?: number;
  /** A candidate read in full is read again after this long even when unchanged. Default 1 h. */
  candidateRefreshMs?: number;
  /** Back-off after a rate-limit answer that names no reset time. Default 60 s. */
  rateLimitBackoffMs?: number;
  /** Label ids and workflow states are read again after this long (they change rarely). Default 1 h. */
  lookupTtlMs?: number;
  /** The hourly budget to live within; default Linear's published limits for an API key. */
  hourlyBudget?: LinearHourlyBudget;
}

const MAX_CACHE = 10_000;
/** Workflow states one team is expected to have; more are read on further pages. */
const STATES_PER_TEAM = 12;
/** A listing asks for as many as the last one returned and this many more (new tickets); more come on further pages. */
const LISTING_SLACK = 10;
type Data<K extends string, N> = Record<K, Connection<N>>;

/**
 * Linear through the official SDK's GraphQL client, every query under Linear's complexity cap (see
 * linear-documents.ts). A poll reads the candidates' keys and change stamps, reads in full only the
 * new or changed ones, and re-reads the states of open blockers; a dispatched ticket is read alone
 * with its comments. Rate-limit headers are kept as the budget left (`budget()`), and a request the
 * budget cannot pay for fails fast with TrackerRateLimitedError until it can.
 */
export class LinearTracker implements Tracker {
  readonly kind = 'linear';
  private readonly gql: LinearGraphql;
  private readonly names: TeamStateNames;
  private readonly teamKeys: string[];
  private readonly candidates: CandidateCache;
  private stateIds?: Map<string, Map<string, string>>;
  private stateIdsAt = 0;
  /** `label name (lower case)` → team id → label id ('' for a workspace label), with when it was read. */
  private readonly labelIds = new Map<string, { at: number; byTeam: Map<string, string> }>();
  /** How many each listing (by its states) returned last time, to size the next one's pages. */
  private readonly listed = new Map<string, number>();
  private readonly lookupTtlMs: number;
  private readonly hourlyBudget: LinearHourlyBudget;
  private readonly teamIds = new Map<string, string>();
  /** key → ids, learned from every issue read, so moves and comments need no extra lookup. */
  private readonly refs = new Map<string, { id: string; teamId: string }>();

  constructor(opts: LinearTrackerOptions) {
    if (opts.teams.length === 0) throw new TypeError('LinearTracker: configure at least one team (tracker.teams).');
    this.gql = new LinearGraphql({
      apiKey: opts.apiKey,
      tokenEnv: opts.tokenEnv,
      apiUrl: opts.apiUrl,
      backoffMs: opts.rateLimitBackoffMs ?? 60_000,
      maxPage: Math.min(250, Math.max(1, opts.pageSize ?? 250)),
    });
    this.names = new TeamStateNames(opts.states, opts.teams);
    this.teamKeys = opts.teams.map((t) => t.key);
    this.candidates = new CandidateCache(opts.candidateRefreshMs ?? 3_600_000);
    this.lookupTtlMs = opts.lookupTtlMs ?? 3_600_000;
    this.hourlyBudget = opts.hourlyBudget ?? LINEAR_PUBLISHED_LIMITS.apiKey;
  }

  budget(): TrackerBudget[] {
    return this.gql.budget();
  }

  usage(): TrackerUsage {
    return {
      ...this.gql.spent,
      budget: {
        requestsPerHour: this.hourlyBudget.requestsPerHour,
        pointsPerHour: this.hourlyBudget.complexityPerHour,
      },
    };
  }

  /** Unblocked issues of the configured teams in the given states, urgent first, then oldest. */
  async listByStates(states: string[]): Promise<Ticket[]> {
    const inStates = (team: string) => ({
      team: { key: { eq: team } },
      state: { name: { in: [...new Set(states.flatMap((s) => this.names.toTeam(team, s)))] } },
    });
    // Linear charges for the `first` asked: ask for about as many as came last time (20 In Progress: 30, not 250).
    const listing = JSON.stringify(states);
    const last = this.listed.get(listing);
    const keys = await this.gql.pages(
      CANDIDATE_KEYS,
      { filter: { or: this.teamKeys.map(inStates) } },
      (d: Data<'issues', { identifier: string; updatedAt: string }>) => d.issues,
      last === undefined ? undefined : last + LISTING_SLACK,
    );
    if (this.listed.size >= MAX_CACHE) this.listed.clear();
    this.listed.set(listing, keys.length);
    const now = Date.now();
    const changed = new Set(
      keys.filter((k) => !this.candidates.isCurrent(k.identifier, k.updatedAt, now)).map((k) => k.identifier),
    );
    const unchanged = keys.map((k) => k.identifier).filter((k) => !changed.has(k));
    await this.refreshBlockers(unchanged);
    if (changed.size > 0) {
      const filter = {
        or: this.byTeam([...changed]).map(([team, numbers]) => ({ ...inStates(team), number: { in: numbers } })),
      };
      for (const node of await this.gql.pages(
        CANDIDATES,
        { filter },
        (d: Data<'issues', IssueNode>) => d.issues,
        changed.size,
      )) {
        this.remember(node);
        this.candidates.put(this.toTicket(node), blockerIds(node), now);
      }
    }
    const tickets = keys
      .map((k) => this.candidates.get(k.identifier))
      .filter((t): t is TrackerTicket => t !== undefined);
    return tickets.filter((t) => !(t.blockedBy ?? []).some((b) => b.open)).sort(compareDispatch);
  }

  /** The issue with its comments and blockers, or null when the key is not an issue of a configured team. */
  async getTicket(key: string): Promise<TrackerTicket | null> {
    const parsed = this.parseKey(key);
    if (!parsed) return null;
    const filter = { team: { key: { eq: parsed.team } }, number: { eq: parsed.number } };
    const data = await this.gql.request<Data<'issues', IssueNode>>(
      TICKET.operation,
      TICKET.query,
      { filter, first: 1 },
      linearCost(1, TICKET),
    );
    const node = data.issues.nodes[0];
    if (!node) return null;
    this.remember(node);
    return this.toTicket(node);
  }

  /** Current (global) state names of the given issues, one request per page of keys. */
  async statesOf(keys: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const byTeam = this.byTeam(keys);
    if (byTeam.length === 0) return out;
    const filter = { or: byTeam.map(([team, numbers]) => ({ team: { key: { eq: team } }, number: { in: numbers } })) };
    for (const n of await this.gql.pages(
      STATES_OF,
      { filter },
      (d: Data<'issues', { identifier: string; state: { name: string } }>) => d.issues,
      keys.length,
    )) {
      out.set(n.identifier, this.names.toGlobal(teamOfKey(n.identifier), n.state.name));
    }
    return out;
  }

  async moveTo(key: string, state: string): Promise<void> {
    const ref = await this.ref(key);
    const team = this.teamKeyOf(ref.teamId);
    const stateId = await this.stateId(team, this.names.toTeam(team, state)[0]!);
    const data = await this.gql.request<{ issueUpdate: { success: boolean } }>('NightshiftMove', MOVE_MUTATION, {
      id: ref.id,
      stateId,
    });
    if (!data.issueUpdate.success)
      throw new TrackerRequestError('Linear', `moving ${key} to "${state}"`, 'issueUpdate answered success: false');
  }

  async comment(key: string, body: string): Promise<void> {
    const ref = await this.ref(key);
    const data = await this.gql.request<{ commentCreate: { success: boolean } }>(
      'NightshiftComment',
      COMMENT_MUTATION,
      { issueId: ref.id, body },
    );
    if (!data.commentCreate.success)
      throw new TrackerRequestError('Linear', `commenting on ${key}`, 'commentCreate answered success: false');
  }

  /** Adds a workspace or team label by name (case-insensitive), creating it on the issue's team when missing. */
  async addLabel(key: string, label: string): Promise<void> {
    const ref = await this.ref(key);
    let labelId = await this.labelId(label, ref.teamId);
    if (!labelId) {
      const created = await this.gql.request<{ issueLabelCreate: { issueLabel: { id: string } } }>(
        'NightshiftCreateLabel',
        CREATE_LABEL_MUTATION,
        { name: label, teamId: ref.teamId },
        CREATE_LABEL_COST,
      );
      labelId = created.issueLabelCreate.issueLabel.id;
      this.labelIds.get(label.toLowerCase())?.byTeam.set(ref.teamId, labelId);
    }
    await this.gql.request('NightshiftAddLabel', ADD_LABEL_MUTATION, { id: ref.id, labelId });
  }

  /** The id of the workspace label or the team's label named `label`, read once per lookupTtlMs. */
  private async labelId(label: string, teamId: string): Promise<string | undefined> {
    const name = label.toLowerCase();
    let known = this.labelIds.get(name);
    if (!known || Date.now() - known.at >= this.lookupTtlMs) {
      // One workspace label and one per team at most share a name.
      const found = await this.gql.pages(
        FIND_LABEL,
        { name: label },
        (d: Data<'issueLabels', { id: string; team: { id: string } | null }>) => d.issueLabels,
        this.teamKeys.length + 1,
      );
      known = { at: Date.now(), byTeam: new Map(found.map((l) => [l.team?.id ?? '', l.id])) };
      if (this.labelIds.size >= MAX_CACHE) this.labelIds.clear();
      this.labelIds.set(name, known);
    }
    return known.byTeam.get('') ?? known.byTeam.get(teamId);
  }

  /** Re-reads the states of the open blockers of unchanged candidates: a blocker closing does not touch the issue it blocks. */
  private async refreshBlockers(keys: string[]): Promise<void> {
    const ids = this.candidates.openBlockerIds(keys);
    if (ids.length === 0) return;
    const nodes = await this.gql.pages(
      BLOCKER_STATES,
      { filter: { id: { in: ids } } },
      (d: Data<'issues', { id: string; state: { name: string; type: string } }>) => d.issues,
      ids.length,
    );
    this.candidates.updateBlockers(new Map(nodes.map((n) => [n.id, n.state])));
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
      comments: (node.comments?.nodes ?? []).map((c) => ({
        author: c.user?.name ?? 'unknown',
        body: c.body,
        createdAt: c.createdAt,
      })),
      // A "blocks" relation stored on the other issue shows up here as an inverse relation: that issue blocks this one.
      blockedBy: node.inverseRelations.nodes
        .filter((r) => r.type === 'blocks')
        .map((r) => ({
          key: r.issue.identifier,
          state: r.issue.state.name,
          open: isOpenStateType(r.issue.state.type),
        })),
    };
  }

  private remember(node: { identifier: string; id: string; team: { id: string } }): void {
    if (this.refs.size >= MAX_CACHE) this.refs.clear();
    this.refs.set(node.identifier, { id: node.id, teamId: node.team.id });
  }

  private async ref(key: string): Promise<{ id: string; teamId: string }> {
    const known = this.refs.get(key);
    if (known) return known;
    const parsed = this.parseKey(key);
    if (parsed) {
      const filter = { team: { key: { eq: parsed.team } }, number: { eq: parsed.number } };
      const data = await this.gql.request<Data<'issues', { id: string; identifier: string; team: { id: string } }>>(
        ISSUE_REF.operation,
        ISSUE_REF.query,
        { filter, first: 1 },
        linearCost(1, ISSUE_REF),
      );
      for (const node of data.issues.nodes) this.remember(node);
    }
    const ref = this.refs.get(key);
    if (!ref)
      throw new TrackerRequestError(
        'Linear',
        `finding issue ${key}`,
        `no issue ${key} in teams ${this.teamKeys.join(', ')}`,
      );
    return ref;
  }

  private async stateId(team: string, name: string): Promise<string> {
    for (const refresh of [false, true]) {
      if (!this.stateIds || refresh || Date.now() - this.stateIdsAt >= this.lookupTtlMs) {
        const nodes = await this.gql.pages(
          WORKFLOW_STATES,
          { teams: this.teamKeys },
          (d: Data<'workflowStates', { id: string; name: string; team: { id: string; key: string } }>) =>
            d.workflowStates,
          this.teamKeys.length * STATES_PER_TEAM,
        );
        this.stateIdsAt = Date.now();
        this.stateIds = new Map();
        for (const s of nodes) {
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
    throw new TrackerRequestError(
      'Linear',
      `moving an issue of team ${team}`,
      `the team has no state named "${name}" (it has: ${known || 'none visible'})`,
    );
  }

  private teamKeyOf(teamId: string): string {
    const known = this.teamIds.get(teamId);
    if (known) return known;
    // Before the state list was read, the key is found from any cached issue's identifier prefix.
    for (const [key, ref] of this.refs) if (ref.teamId === teamId) return teamOfKey(key);
    throw new TrackerRequestError('Linear', 'resolving a team', `unknown team id ${teamId}`);
  }

  /** Keys of configured teams grouped as [team, numbers]; other keys are left out. */
  private byTeam(keys: string[]): Array<[string, number[]]> {
    const byTeam = new Map<string, number[]>();
    for (const key of keys) {
      const parsed = this.parseKey(key);
      if (parsed) byTeam.set(parsed.team, [...(byTeam.get(parsed.team) ?? []), parsed.number]);
    }
    return [...byTeam];
  }

  private parseKey(key: string): { team: string; number: number } | null {
    const m = /^([A-Za-z0-9_]+)-(\d+)$/.exec(key);
    if (!m || !this.teamKeys.includes(m[1]!)) return null;
    return { team: m[1]!, number: Number(m[2]) };
  }
}

function teamOfKey(key: string): string {
  return key.slice(0, key.lastIndexOf('-'));
}

function blockerIds(node: IssueNode): Map<string, string> {
  return new Map(
    node.inverseRelations.nodes.filter((r) => r.type === 'blocks').map((r) => [r.issue.identifier, r.issue.id]),
  );
}
