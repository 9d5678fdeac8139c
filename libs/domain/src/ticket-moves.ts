import { type Outcome, spendsAttempt } from './outcome';

/*
 * The ticket workflow policy: which state each outcome leads a ticket to, and the order of a move
 * (the comment a human needs first, then the move, then the event). The router, the session-runner
 * and the scanner's stranded-ticket sweep call these; they do not move tickets by hand.
 */

/** A ticket's next place, by role; `stateFor` names the tracker's state for it. */
export type TicketMove = 'in_progress' | 'in_review' | 'needs_human' | 'back_to_queue' | 'stays';

/** The tracker's names for the workflow states (config `tracker.states`). */
export interface WorkflowStateNames {
  queue: readonly string[];
  inProgress: string;
  inReview: string;
  needsHuman: string;
}

/** What is known about a ticket when its session ended. */
export interface OutcomeFacts {
  maxAttempts: number;
  /** Attempts spent so far, this one included (only for outcomes that spend one). */
  attemptsSpent?: number;
  /** The run asks a human for something outside the repo (no code evidence). */
  asksForHuman?: boolean;
  /** `routing.maxInfraRetries` infrastructure failures in a row. */
  infraRetriesExhausted?: boolean;
  /** A human moved the ticket away mid-session (not a shutdown). */
  canceledByHuman?: boolean;
}

/**
 * Which move a session's outcome leads to: success → In Review (after the PR link); an outcome that
 * spends an attempt → Needs Human when the budget is spent or the run asks for a human, else back to the
 * queue; infra_error → Needs Human once retries are exhausted, else back to the queue; a rate limit or a
 * refused auth → stays (the session waits for its account); canceled by a human → stays where the human
 * put it; anything else → back to the queue.
 */
export function moveAfterOutcome(outcome: Outcome, facts: OutcomeFacts): TicketMove {
  if (outcome === 'success') return 'in_review';
  if (outcome === 'rate_limited' || outcome === 'auth_failed') return 'stays';
  if (outcome === 'canceled' && facts.canceledByHuman) return 'stays';
  if (spendsAttempt(outcome))
    return facts.asksForHuman || (facts.attemptsSpent ?? 0) >= facts.maxAttempts ? 'needs_human' : 'back_to_queue';
  if (outcome === 'infra_error' && facts.infraRetriesExhausted) return 'needs_human';
  return 'back_to_queue';
}

/** The tracker state a move leads to (the first queue state for `back_to_queue`); null for `stays`. */
export function stateFor(move: TicketMove, states: WorkflowStateNames): string | null {
  switch (move) {
    case 'in_progress':
      return states.inProgress;
    case 'in_review':
      return states.inReview;
    case 'needs_human':
      return states.needsHuman;
    case 'back_to_queue':
      return states.queue[0] ?? null;
    case 'stays':
      return null;
  }
}

/** The tracker calls a move makes. */
export interface TicketBoard {
  moveTo(key: string, state: string): Promise<void>;
  comment(key: string, body: string): Promise<void>;
}

/** Where a move is recorded (the event stream). */
export interface MoveLog {
  append(event: {
    type: 'ticket.moved';
    ticket: string;
    run?: string;
    host?: string;
    repo?: string;
    detail: { from?: string; to: string; why?: string };
  }): Promise<unknown>;
}

/** Who moved it and from where, for the `ticket.moved` event. */
export interface MoveContext {
  from?: string;
  run?: string;
  host?: string;
  repo?: string;
  /** Why, when the move is not the plain outcome of a run (e.g. `review feedback`). */
  why?: string;
}

/**
 * The one order of a move: the comment first (the explanation, the PR link), then the move, so
 * whoever sees the ticket in its new state finds why on it.
 */
export async function commentThenMove(
  tracker: TicketBoard,
  key: string,
  comment: string | null,
  to: string,
): Promise<void> {
  if (comment !== null) await tracker.comment(key, comment);
  await tracker.moveTo(key, to);
}

/** Comments (optionally), moves, and records `ticket.moved`. */
export async function moveTicket(
  deps: { tracker: TicketBoard; events: MoveLog },
  key: string,
  to: string,
  ctx: MoveContext = {},
  comment: string | null = null,
): Promise<void> {
  await commentThenMove(deps.tracker, key, comment, to);
  const { from, why, ...where } = ctx;
  await deps.events.append({
    type: 'ticket.moved',
    ticket: key,
    ...where,
    detail: { ...(from === undefined ? {} : { from }), to, ...(why === undefined ? {} : { why }) },
  });
}

/** Moves a ticket unless it is already there (a rerun of the same decision moves nothing twice). */
export async function moveOnce(
  deps: { tracker: TicketBoard; events: MoveLog },
  ticket: { key: string; state: string },
  to: string,
  ctx: Omit<MoveContext, 'from'> = {},
): Promise<void> {
  if (ticket.state === to) return;
  await moveTicket(deps, ticket.key, to, { ...ctx, from: ticket.state });
}
