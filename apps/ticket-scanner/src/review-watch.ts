import type { Logger } from 'pino';
import type { NightshiftConfig } from '@nightshift/config';
import { branchForTicket, moveTicket, stateFor } from '@nightshift/domain';
import { newestFeedbackAt, type Forge, type PrFeedback } from '@nightshift/forge';
import type { EventLog, FollowUps, RunStore, TicketCounters } from '@nightshift/state';
import type { Tracker } from '@nightshift/tracker';
import { decideFollowUp, followUpCandidates, noteFollowUpCap } from '@nightshift/follow-up-policy';

export interface ReviewWatchDeps {
  config: NightshiftConfig;
  tracker: Tracker;
  forge: Forge;
  runs: RunStore;
  followUps: FollowUps;
  counters: TicketCounters;
  events: EventLog;
  logger: Logger;
}

/**
 * Once per scan: asks the forge, one batched call per repo, for review feedback and failed CI newer
 * than each ticket's last session on the PRs Nightshift sessions opened (the forge skips the ones no
 * longer open). Only a ticket with feedback costs a tracker read, to confirm it is In Review. The
 * follow-up policy decides; a ticket that gets a follow-up goes back to the queue marked pending (the
 * router then dispatches it on the same branch and PR); one whose rounds are spent gets its one note.
 * Returns the tickets sent back.
 */
export async function watchReviews(deps: ReviewWatchDeps, now = new Date()): Promise<string[]> {
  const { config } = deps;
  if (!config.followUp.enabled) return [];
  const byRepo = new Map<string, Array<{ ticket: string; head: string; since: string }>>();
  for (const [ticket, { repo, since }] of await followUpCandidates(deps.runs)) {
    byRepo.set(repo, [...(byRepo.get(repo) ?? []), { ticket, head: branchForTicket(ticket), since }]);
  }
  const sent: string[] = [];
  for (const [repo, watched] of byRepo) {
    let found: PrFeedback[];
    try {
      found = await deps.forge.readFeedback(repo, watched.map(({ head, since }) => ({ head, since })));
    } catch (err) {
      deps.logger.warn({ repo, err: err instanceof Error ? err.message : String(err) }, 'could not read review feedback; trying again next scan');
      continue;
    }
    for (const feedback of found) {
      const ticket = watched.find((w) => w.head === feedback.head)!.ticket;
      const decision = decideFollowUp(config.followUp, { trigger: 'feedback', roundsUsed: await deps.followUps.rounds(ticket), newestFeedbackAt: newestFeedbackAt(feedback), now });
      // Noted once; later scans of a capped ticket cost the tracker nothing.
      if (decision.kind === 'capped') await noteFollowUpCap(deps, ticket, decision.rounds, feedback.url, 'feedback');
      if (decision.kind !== 'start') continue;
      // In Progress (a session is on it) or moved elsewhere by a human: not ours to follow up now.
      if ((await deps.tracker.getTicket(ticket))?.state !== config.tracker.states.inReview) continue;
      const summary = `${feedback.notes.length} review note(s), ${feedback.failedChecks.length} failed check(s) on ${feedback.url}`;
      await deps.followUps.markPending(ticket, 'feedback', summary);
      await moveTicket(deps, ticket, stateFor('back_to_queue', config.tracker.states)!, { repo, from: config.tracker.states.inReview, why: 'review feedback' });
      sent.push(ticket);
    }
  }
  return sent;
}
