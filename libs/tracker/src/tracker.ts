import type { Ticket } from '@nightshift/domain';

/**
 * A ticket board. State names are the tracker's own (mapped from workflow roles by config), so any
 * tracker with named states fits: the local board, Linear, GitHub Issues (labels), Jira.
 */
export interface Tracker {
  readonly kind: string;
  /** Tickets currently in any of the given states, in dispatch order (priority, then age). */
  listByStates(states: string[]): Promise<Ticket[]>;
  /** One ticket with its comments, or null when it does not exist. */
  getTicket(key: string): Promise<Ticket | null>;
  /** Moves a ticket to the named state. Moving to the state it is already in is a no-op. */
  moveTo(key: string, state: string): Promise<void>;
  comment(key: string, body: string): Promise<void>;
  /** Push signal on change (a webhook for remote trackers, a file watch for the local board). Returns an unsubscribe. */
  watch?(onChange: () => void): () => void;
}
