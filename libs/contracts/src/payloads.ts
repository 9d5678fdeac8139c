import type { Outcome, TokenUsage } from '@nightshift/domain';

export type IntakeSource = 'poll' | 'webhook' | 'signal';

export interface IntakeJob {
  ticketKey: string;
  source: IntakeSource;
  /** ISO time the scanner saw the ticket: intake latency is measured from here. */
  seenAt: string;
}

export interface IntakeResult {
  decision: 'dispatched' | 'skipped';
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
  /** 1-based number of this launch for the lead ticket. */
  attempt: number;
  routedAt: string;
  /** Set for a follow-up on the ticket's open PR (same branch, same PR): why, which round, and since when feedback counts. */
  followUp?: SessionFollowUp;
  /** The lead ticket's first launch ever (the router's count): no earlier run of it can have pushed its branch. */
  firstLaunch?: boolean;
}

export interface SessionFollowUp {
  trigger: 'feedback' | 'moved-back';
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
}

export interface WorktreeJob {
  repo: string;
  branch: string;
  /** Sanitized key naming the worktree's directory. */
  worktreeKey: string;
  runId: string;
  /** No earlier run can have pushed `branch`: start from the base without asking the remote where the branch is. */
  branchIsNew?: boolean;
}

export interface WorktreeResult {
  path: string;
  /** For create: false when an existing worktree for the same key was reused. For remove: false when nothing was there. */
  changed: boolean;
}
