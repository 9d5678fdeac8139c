import type { Ticket } from '@nightshift/domain';

/**
 * Thrown when this execution of a session job must not act on its tickets: they moved on without it
 * (`releaseClaims`: the run is over, its claims go) or a newer execution of the same job superseded it
 * (the claims, worktree and outcome belong to that one). Nothing is moved, spent or pushed either way.
 */
export class NotCurrent extends Error {
  override readonly name = 'NotCurrent';
  constructor(
    reason: string,
    readonly releaseClaims: boolean,
  ) {
    super(reason);
  }
}

/**
 * Why a session job should not run, or null. The router moves every ticket of a run to In Progress before
 * it enqueues the job, and only the run's own outcome moves them out: a job that finds a ticket elsewhere is
 * a redelivery of a run that already ended (or of one whose ticket went back to the queue).
 */
export function staleSession(tickets: Ticket[], inProgress: string): string | null {
  const moved = tickets.filter((t) => t.state !== inProgress);
  if (moved.length === 0) return null;
  return `stale delivery: ${moved.map((t) => `${t.key} is in "${t.state}"`).join(', ')}, not "${inProgress}"; nothing to do`;
}
