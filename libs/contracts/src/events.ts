/** Every transition a human may need to reconstruct the night, appended to one Redis stream. */
export const EVENTS_STREAM = 'nightshift:events';

export const EVENT_TYPES = [
  'ticket.scanned',
  'ticket.routed',
  'ticket.skipped',
  'ticket.claimed',
  'claim.released',
  'worktree.ready',
  'worktree.removed',
  'worktree.waiting_for_disk',
  'worktree.swept',
  'session.waiting',
  'session.started',
  'session.outcome',
  'session.permission_denied',
  'git.tampered',
  'session.egress_denied',
  'pr.opened',
  'push.blocked',
  'pr.updated',
  'ticket.moved',
  'ticket.commented',
  'pause.started',
  'pause.ended',
  'session.canceled',
  'check.finished',
  'repair.started',
  'followup.started',
  'followup.capped',
  'pr.behind',
  'pr.rebased',
  'pr.rebase_refused',
  'pr.conflict',
  'pr.conflicts_capped',
  'pr.overlaps',
  'feedback.ignored',
  'memory.recalled',
  'memory.unavailable',
  'memory.learned',
  'memory.consolidated',
  'memory.forgotten',
  'session.reaped',
  'session.superseded',
  'claim.reaped',
  'ticket.requeued',
  'ticket.retried',
  'redis.restarted',
  'config.reloaded',
  'config.rejected',
  'tracker.poll_slowed',
  'tracker.poll_resumed',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface NightshiftEvent {
  type: EventType;
  at: string;
  ticket?: string;
  repo?: string;
  host?: string;
  run?: string;
  /** Short, human-readable facts: state names, outcome, PR url, reason. Never ticket bodies or secrets. */
  detail?: Record<string, string | number | boolean>;
}
