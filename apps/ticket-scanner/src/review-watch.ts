import type { NightshiftConfig } from '@nightshift/config';
import { moveTicket, stateFor } from '@nightshift/domain';
import { batchRounds, decideFollowUp, noteFollowUpCap, type PrBatch, prBatches } from '@nightshift/follow-up-policy';
import { type Forge, newestFeedbackAt, type PrFeedback } from '@nightshift/forge';
import type { EventLog, FollowUps, RunStore, TicketCounters } from '@nightshift/state';
import type { Tracker } from '@nightshift/tracker';
import type { Logger } from 'pino';

import type { IgnoredFeedback } from './ignored-feedback';

export interface ReviewWatchDeps {
  config: NightshiftConfig;
  tracker: Tracker;
  forge: Forge;
  runs: RunStore;
  followUps: FollowUps;
  counters: TicketCounters;
  events: EventLog;
  logger: Logger;
  /** Records the notes of untrusted authors the forge left out; absent in tests that do not look. */
  ignored?: IgnoredFeedback;
}

/**
 * Once per scan: asks the forge, one batched call per repo, for review feedback and failed CI newer than the
 * last session on each PR Nightshift sessions opened (the forge skips the ones no longer open). A batch shares
 * its PR, so the PR's feedback is every one of its tickets' feedback. Only a PR with feedback costs tracker
 * reads, to confirm its tickets are In Review. The follow-up policy decides; a PR that gets a follow-up has one
 * of its In Review tickets sent back to the queue marked pending (the router then dispatches it on the PR's
 * branch, with every other In Review ticket of the PR); one whose rounds are spent gets its one note on each
 * ticket. Returns the tickets sent back.
 */
export async function watchReviews(deps: ReviewWatchDeps, now = new Date()): Promise<string[]> {
  const { config } = deps;
  if (!config.followUp.enabled) return [];
  const byRepo = new Map<string, Map<string, PrBatch>>();
  for (const batch of await prBatches(deps.runs)) {
    const heads = byRepo.get(batch.repo) ?? new Map<string, PrBatch>();
    // A branch whose earlier PR was closed has a newer one: the newer batch is the one that is open.
    if ((heads.get(batch.head)?.since ?? '') <= batch.since) heads.set(batch.head, batch);
    byRepo.set(batch.repo, heads);
  }
  const sent: string[] = [];
  for (const [repo, heads] of byRepo) {
    let found: PrFeedback[];
    try {
      found = await deps.forge.readFeedback(
        repo,
        [...heads.values()].map(({ head, since }) => ({ head, since })),
      );
    } catch (err) {
      deps.logger.warn(
        { repo, err: err instanceof Error ? err.message : String(err) },
        'could not read review feedback; trying again next scan',
      );
      continue;
    }
    for (const feedback of found) {
      const ticket = await followUpBatch(deps, heads.get(feedback.head)!, feedback, now);
      if (ticket) sent.push(ticket);
    }
  }
  return sent;
}

/** The follow-up decision for one PR's feedback; returns the ticket sent back for it, if any. */
async function followUpBatch(
  deps: ReviewWatchDeps,
  batch: PrBatch,
  feedback: PrFeedback,
  now: Date,
): Promise<string | null> {
  const { config } = deps;
  const { repo, tickets } = batch;
  await deps.ignored?.record(repo, tickets[0]!, feedback);
  // Only untrusted authors wrote since the last session: nothing to act on.
  if (feedback.notes.length === 0 && feedback.failedChecks.length === 0) return null;
  const decision = decideFollowUp(config.followUp, {
    trigger: 'feedback',
    roundsUsed: await batchRounds(deps.followUps, tickets),
    newestFeedbackAt: newestFeedbackAt(feedback),
    now,
  });
  // Noted once per ticket; later scans of a capped PR cost the tracker nothing.
  if (decision.kind === 'capped')
    for (const ticket of tickets) await noteFollowUpCap(deps, ticket, decision.rounds, feedback.url, 'feedback');
  if (decision.kind !== 'start') return null;
  const { inReview, inProgress, queue } = config.tracker.states;
  const states = new Map<string, string | undefined>();
  for (const ticket of tickets) states.set(ticket, (await deps.tracker.getTicket(ticket))?.state);
  // A session (or a human) is working on the PR's branch, or one of its tickets is already back in the queue
  // (the router's follow-up for it reads this feedback too): not ours to start now.
  if ([...states.values()].some((s) => s === inProgress || (s !== undefined && queue.includes(s)))) return null;
  // Tickets a human moved elsewhere keep their state; the follow-up takes the ones still In Review.
  const ticket = tickets.find((t) => states.get(t) === inReview);
  if (!ticket) return null;
  const summary = `${feedback.notes.length} review note(s), ${feedback.failedChecks.length} failed check(s) on ${feedback.url}`;
  await deps.followUps.markPending(ticket, 'feedback', summary);
  await moveTicket(deps, ticket, stateFor('back_to_queue', config.tracker.states)!, {
    repo,
    from: inReview,
    why: 'review feedback',
  });
  return ticket;
}
