import type { AgentKind, Outcome, Ticket, TokenUsage } from '@nightshift/domain';

export type IntakeSource = 'poll' | 'webhook' | 'signal';

/**
 * A ticket as the candidate listing shows it: what routing (title, description keywords, labels) and ordering
 * (state, priority, blockers, age) need, without comments. The router decides from it alone; the full ticket is
 * read by the session that works on it.
 */
export type TicketSnapshot = Omit<Ticket, 'comments'> & {
  blockedBy?: Array<{ key: string; state: string; open: boolean }>;
};

/** The snapshot of a listed ticket (its comments, if the listing had any, left out). */
export function ticketSnapshot(ticket: Ticket & { blockedBy?: TicketSnapshot['blockedBy'] }): TicketSnapshot {
  const { comments: _comments, ...snapshot } = ticket;
  return snapshot;
}

export interface IntakeJob {
  ticketKey: string;
  source: IntakeSource;
  /** ISO time the scanner saw the ticket: intake latency is measured from here. */
  seenAt: string;
  /** The ticket as listed; absent on jobs queued by an older scanner (the router then offers every capability). */
  ticket?: TicketSnapshot;
}

export interface IntakeResult {
  /** `waiting`: routable, but no slot is free for it now; it stays in the queue state until one is. */
  decision: 'dispatched' | 'skipped' | 'waiting';
  reason: string;
  runId?: string;
}

export interface SessionJob {
  runId: string;
  repo: string;
  capability: string;
  branch: string;
  /** Ticket keys covered by this session (one branch, one PR for all of them). */
  tickets: string[];
  model: string;
  /** The CLI chosen for this launch (chooseAgent: ticket label, attempts); absent means the repo's own. */
  agent?: AgentKind;
  /** 1-based number of this launch for the lead ticket. */
  attempt: number;
  routedAt: string;
  /** Set for a follow-up on the ticket's open PR (same branch, same PR): why, which round, and since when feedback counts. */
  followUp?: SessionFollowUp;
  /** The lead ticket's first launch ever (the router's count): no earlier run of it can have pushed its branch. */
  firstLaunch?: boolean;
}

export interface SessionFollowUp {
  trigger: 'feedback' | 'moved-back' | 'base-moved';
  round: number;
  of: number;
  prNumber: number;
  prUrl: string;
  /** Review notes and failed checks newer than this (ISO: the start of the ticket's previous session) go into the prompt. */
  since: string;
}

export interface SessionResult {
  outcome: Outcome;
  reason: string;
  prUrl?: string;
  usage?: TokenUsage;
  costUsd?: number;
  /** Set when the session left its worktree for a human (a blocked push): why. */
  worktreeKept?: string;
}

export interface WorktreeJob {
  repo: string;
  branch: string;
  /** Sanitized key naming the worktree's directory. */
  worktreeKey: string;
  runId: string;
  /** No earlier run can have pushed `branch`: start from the base without asking the remote where the branch is. */
  branchIsNew?: boolean;
  /** Fetch the base branch before making the worktree (a base-move follow-up merges it): see WorktreeStore. */
  freshBase?: boolean;
}

export interface WorktreeResult {
  path: string;
  /** For create: false when an existing worktree for the same key was reused. For remove: false when nothing was there. */
  changed: boolean;
}
