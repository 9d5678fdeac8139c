import type { Ticket } from '@nightshift/domain';

/** A ticket that blocks another one, as far as the tracker knows it. */
export interface Blocker {
  key: string;
  /** The blocker's state name. */
  state: string;
  /** Still open (not completed or canceled): while it is, the blocked ticket is not dispatched. */
  open: boolean;
}

/** A Ticket plus what remote trackers also know. Still a Ticket, so every caller of `Tracker` can ignore the extras. */
export interface TrackerTicket extends Ticket {
  /** The tracker's own id when it differs from the key (Linear's UUID, GitHub's issue number). */
  id?: string;
  /** Tickets that block this one. Absent: the tracker has no blocking relations. */
  blockedBy?: Blocker[];
}

/** One of a tracker's rate-limit budgets as its last answer reported it. */
export interface TrackerBudget {
  kind: 'requests' | 'complexity';
  limit: number;
  remaining: number;
  /** When the budget is full again (epoch ms). */
  resetAt: number;
  /** When this was reported (epoch ms). */
  at: number;
}

/** What a tracker client has spent since it started, and the hourly budget it is configured to live within. */
export interface TrackerUsage {
  requests: number;
  points: number;
  budget: { requestsPerHour: number; pointsPerHour: number };
}

/**
 * A ticket board. State names are the tracker's own (mapped from workflow roles by config), so any
 * tracker with named states fits: the local board, Linear, GitHub Issues (labels), Jira.
 */
export interface Tracker {
  readonly kind: string;
  /**
   * Tickets currently in any of the given states, in dispatch order (priority, then age). Tickets
   * blocked by an open ticket are left out: they are not candidates until their blockers close.
   */
  listByStates(states: string[]): Promise<Ticket[]>;
  /** One ticket with its comments, or null when it does not exist. */
  getTicket(key: string): Promise<Ticket | null>;
  /** Moves a ticket to the named state. Moving to the state it is already in is a no-op. */
  moveTo(key: string, state: string): Promise<void>;
  comment(key: string, body: string): Promise<void>;
  /** Push signal on change (a webhook for remote trackers, a file watch for the local board). Returns an unsubscribe. */
  watch?(onChange: () => void): () => void;
  /** Current state names of the given tickets, in as few requests as the tracker allows (for reconciliation). Unknown keys are absent. */
  statesOf?(keys: string[]): Promise<Map<string, string>>;
  /** Adds a label to a ticket (creating the label where the tracker needs it to exist). */
  addLabel?(key: string, label: string): Promise<void>;
  /** Rate-limit budgets left, as of the last answer (trackers that report them): polling slows before they run out. */
  budget?(): TrackerBudget[];
  /** What the token cannot do or the configured names that do not exist (for `nightshift doctor`); empty when all is well. */
  checkAccess?(): Promise<string[]>;
  /** Requests and points spent so far, and the configured hourly budget (trackers that count them): polling keeps to its share. */
  usage?(): TrackerUsage;
}

/** True when a ticket carries a blocker that is still open. */
export function isBlocked(ticket: Ticket): boolean {
  return ((ticket as TrackerTicket).blockedBy ?? []).some((b) => b.open);
}
