import type { FollowUpConfig } from '@nightshift/config';

import { decideFollowUp } from './follow-up-policy';

/** What to do about an open PR whose base moved (repos[].onBaseMove). */
export type BaseMoveAction =
  | { kind: 'none'; why: string }
  | { kind: 'rebase' }
  | { kind: 'session'; round: number }
  | { kind: 'comment' }
  | { kind: 'capped'; rounds: number };

export interface BaseMoveInput {
  mode: 'rebase' | 'session' | 'comment' | 'off';
  /** The head is behind its base. */
  behind: boolean;
  /** It still merges (merge-tree found no conflict) and, for a rebase, rebased and passed its checks. */
  clean: boolean;
  /** A rebase could run here (a lease is recorded; the repo's checks need no sandbox). */
  canRebase: boolean;
  roundsUsed: number;
  now: Date;
}

/**
 * The base-move policy, in one place: a clean PR is rebased (mode `rebase`); one that conflicts, or whose rebase
 * could not be pushed cleanly, gets a follow-up session on its branch, counted in the follow-up rounds (modes
 * `rebase` and `session`); past the rounds, or in mode `comment`, one note and the `conflicts` label.
 */
export function decideBaseMove(followUp: FollowUpConfig, input: BaseMoveInput): BaseMoveAction {
  if (input.mode === 'off') return { kind: 'none', why: 'onBaseMove is off' };
  if (!input.behind) return { kind: 'none', why: 'up to date with its base' };
  if (input.clean && input.mode === 'rebase' && input.canRebase) return { kind: 'rebase' };
  if (input.clean) return { kind: 'none', why: 'behind its base but merges cleanly' };
  if (input.mode === 'comment') return { kind: 'comment' };
  // A conflict has no review to wait out: only the rounds apply.
  const decision = decideFollowUp(followUp, { trigger: 'moved-back', roundsUsed: input.roundsUsed, now: input.now });
  if (decision.kind === 'start') return { kind: 'session', round: decision.round };
  if (decision.kind === 'capped') return { kind: 'capped', rounds: decision.rounds };
  return { kind: 'comment' };
}

/** The label a PR gets when its conflicts with the base need a human. */
export const CONFLICTS_LABEL = 'conflicts';
