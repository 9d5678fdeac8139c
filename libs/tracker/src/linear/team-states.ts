import type { WorkflowStates } from '../workflow-states';

type Role = keyof WorkflowStates;
const ROLES: Role[] = ['queue', 'inProgress', 'inReview', 'done', 'needsHuman'];

/** A team whose state names differ from the global ones overrides them per role. */
export interface TeamStates {
  key: string;
  states?: Partial<WorkflowStates>;
}

/**
 * Translates between the state names callers use (config `tracker.states`, one set for all teams)
 * and each team's own names (config `tracker.teams[].states`), both ways.
 */
export class TeamStateNames {
  private readonly teams = new Map<string, Partial<WorkflowStates>>();

  constructor(
    private readonly global: WorkflowStates,
    teams: TeamStates[],
  ) {
    for (const t of teams) this.teams.set(t.key, t.states ?? {});
  }

  /** The team's names for a global state name (several for the queue role); the name itself when it plays no role. */
  toTeam(team: string, globalName: string): string[] {
    const role = this.roleOf(this.global, globalName);
    if (!role) return [globalName];
    const own = this.teams.get(team)?.[role];
    if (own === undefined) return [globalName];
    if (role !== 'queue') return [own as string];
    // A global queue name maps to the team's queue state at the same position, or to all of them.
    const i = this.global.queue.indexOf(globalName);
    const list = own as string[];
    return list[i] !== undefined && this.global.queue.length === list.length ? [list[i]!] : list;
  }

  /** The global name for a team's state name, so callers can compare with `tracker.states`; unmapped names pass through. */
  toGlobal(team: string, teamName: string): string {
    const own = this.teams.get(team) ?? {};
    for (const role of ROLES) {
      const names = own[role] === undefined ? undefined : ([] as string[]).concat(own[role] as string | string[]);
      if (!names?.includes(teamName)) continue;
      if (role !== 'queue') return this.global[role] as string;
      return this.global.queue[names.indexOf(teamName)] ?? this.global.queue[0]!;
    }
    return teamName;
  }

  private roleOf(states: WorkflowStates, name: string): Role | undefined {
    return ROLES.find((r) => (r === 'queue' ? states.queue.includes(name) : states[r] === name));
  }
}
