import type { Logger } from 'pino';
import type { NightshiftConfig } from '@nightshift/config';
import { branchForTicket, routeTicket } from '@nightshift/domain';
import { newestFeedbackAt, type Forge, type PrFeedback } from '@nightshift/forge';
import type { EventLog, FollowUps, RunStore, TicketCounters } from '@nightshift/state';
import type { Tracker } from '@nightshift/tracker';
import { decideFollowUp, lastSessionStarts, noteFollowUpCap } from '@nightshift/wiring';

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
 * Once per scan: asks the forge, one batched call per repo, for review feedback and failed CI on the PRs
 * of tickets In Review that is newer than each ticket's last session. The follow-up policy decides; a
 * ticket that gets a follow-up goes back to the queue marked pending (the router then dispatches it on
 * the same branch and PR); one whose rounds are spent gets its one note. Returns the tickets sent back.
 */
export async function watchReviews(deps: ReviewWatchDeps, now = new Date()): Promise<string[]> {
  const { config } = deps;
  if (!config.followUp.enabled) return [];
  const inReview = await deps.tracker.listByStates([config.tracker.states.inReview]);
  if (inReview.length === 0) return [];
  const starts = await lastSessionStarts(deps.runs);
  const byRepo = new Map<string, Array<{ ticket: string; head: string; since: string }>>();
  for (const ticket of inReview) {
    const since = starts.get(ticket.key);
    const route = routeTicket(ticket, config.repos);
    // Only tickets a Nightshift session worked on: a human's own In Review ticket is not ours to follow up.
    if (!since || route.kind !== 'routed') continue;
    byRepo.set(route.repo, [...(byRepo.get(route.repo) ?? []), { ticket: ticket.key, head: branchForTicket(ticket.key), since }]);
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
      if (decision.kind === 'capped') await noteFollowUpCap(deps, ticket, decision.rounds, feedback.url, 'feedback');
      if (decision.kind !== 'start') continue;
      const summary = `${feedback.notes.length} review note(s), ${feedback.failedChecks.length} failed check(s) on ${feedback.url}`;
      await deps.followUps.markPending(ticket, 'feedback', summary);
      const queue = config.tracker.states.queue[0]!;
      await deps.tracker.moveTo(ticket, queue);
      await deps.events.append({ type: 'ticket.moved', ticket, repo, detail: { from: config.tracker.states.inReview, to: queue, why: 'review feedback' } });
      sent.push(ticket);
    }
  }
  return sent;
}
