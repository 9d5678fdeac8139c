import type { Ticket } from '@nightshift/domain';
import type { TrackerTicket } from '@nightshift/tracker';

// BullMQ runs jobs without a priority before every prioritized one, so each session job gets one;
// "no priority" sorts after low. Ties run in the order they were queued (oldest first).
const NO_PRIORITY = 1000;

/** The BullMQ job priority of a session (lower runs first): the tracker's 1 (urgent)…4 (low), none last. */
export function sessionPriority(ticket: Ticket): number {
  return ticket.priority > 0 ? Math.min(ticket.priority, NO_PRIORITY - 1) : NO_PRIORITY;
}

/** Why the ticket must wait for other tickets, or null: blockers are re-checked at dispatch, not only when listed. */
export function openBlockers(ticket: Pick<Ticket, 'key'>): string | null {
  const open = ((ticket as TrackerTicket).blockedBy ?? []).filter((b) => b.open);
  return open.length > 0 ? `blocked by ${open.map((b) => `${b.key} (${b.state})`).join(', ')}` : null;
}
