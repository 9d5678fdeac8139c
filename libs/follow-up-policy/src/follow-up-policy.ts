import type { FollowUpConfig } from '@nightshift/config';
import type { PullRequest } from '@nightshift/forge';
import type { EventLog, FollowUpTrigger, RunStore, TicketCounters } from '@nightshift/state';
import type { Tracker } from '@nightshift/tracker';

/**
 * The follow-up policy, in one place: when a ticket whose PR is open gets another session on the same
 * branch (new review feedback or failed CI since its last session, or a human moved it back to the
 * queue), when it must wait (debounce), and when its rounds are spent (one note, never repeated).
 * The ticket-scanner's review watch and the router apply it; neither re-decides.
 */
export type FollowUpDecision =
  | { kind: 'none' }
  | { kind: 'wait'; reason: string }
  | { kind: 'start'; round: number }
  | { kind: 'capped'; rounds: number };

export interface FollowUpInput {
  trigger: FollowUpTrigger;
  roundsUsed: number;
  /** Newest review note or failed check (ISO); unset when the forge has none (a human move needs none). */
  newestFeedbackAt?: string;
  now: Date;
}

export function decideFollowUp(policy: FollowUpConfig, input: FollowUpInput): FollowUpDecision {
  if (!policy.enabled) return { kind: 'none' };
  if (input.trigger === 'feedback') {
    if (!input.newestFeedbackAt) return { kind: 'none' };
    const quietMs = input.now.getTime() - Date.parse(input.newestFeedbackAt);
    // A reviewer writing several comments gets one follow-up for all of them.
    if (quietMs < policy.debounceSec * 1000)
      return {
        kind: 'wait',
        reason: `review still active (quiet for ${Math.round(quietMs / 1000)}s of ${policy.debounceSec}s)`,
      };
  }
  if (input.roundsUsed >= policy.maxRounds) return { kind: 'capped', rounds: input.roundsUsed };
  return { kind: 'start', round: input.roundsUsed + 1 };
}

/** When each ticket's latest session started (ISO), from the run records: feedback newer than this is new. */
export async function lastSessionStarts(runs: RunStore): Promise<Map<string, string>> {
  const starts = new Map<string, string>();
  for (const run of await runs.list(5000)) {
    for (const ticket of run.tickets) if ((starts.get(ticket) ?? '') < run.startedAt) starts.set(ticket, run.startedAt);
  }
  return starts;
}

/**
 * True when a Nightshift session opened or updated this PR and finished (its run record carries the PR):
 * the ticket then went to In Review, so finding it back in the queue means a human moved it. A PR with
 * no such run (a runner crashed between opening it and moving the ticket) is finished, not followed up.
 */
export async function sessionFinishedWithPr(runs: RunStore, ticket: string, pr: PullRequest): Promise<boolean> {
  return (await runs.list(5000)).some((r) => r.tickets.includes(ticket) && r.prUrl === pr.url);
}

/** Says once on the ticket that its follow-up rounds are spent (a later comment gets no session and no second note). */
export async function noteFollowUpCap(
  deps: { tracker: Tracker; counters: TicketCounters; events: EventLog },
  ticket: string,
  rounds: number,
  prUrl: string,
  trigger: FollowUpTrigger,
): Promise<boolean> {
  if (!(await deps.counters.once(`followup-capped:${ticket}`))) return false;
  await deps.tracker.comment(
    ticket,
    `Nightshift did not start another follow-up on ${prUrl}: its ${rounds} follow-up round${rounds === 1 ? ' is' : 's are'} spent (followUp.maxRounds). New review comments now need a human.`,
  );
  await deps.events.append({ type: 'followup.capped', ticket, detail: { rounds, pr: prUrl, trigger } });
  return true;
}
