import type { Ticket } from '@nightshift/domain';
import type { EventLog } from '@nightshift/state';
import type { Tracker } from '@nightshift/tracker';

/** Moves the ticket unless it is already there, and records the move. */
export async function moveOnce(deps: { tracker: Tracker; events: EventLog }, ticket: Ticket, state: string): Promise<void> {
  if (ticket.state === state) return;
  await deps.tracker.moveTo(ticket.key, state);
  await deps.events.append({ type: 'ticket.moved', ticket: ticket.key, detail: { from: ticket.state, to: state } });
}
