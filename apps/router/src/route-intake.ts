import type { IntakeJob, IntakeResult, TicketSnapshot } from '@nightshift/contracts';
import { routeTicket } from '@nightshift/domain';
import { intakeHold } from '@nightshift/pause-policy';
import { DispatchWaiting } from '@nightshift/state';

import { openBlockers } from './dispatch-order';
import type { Dispatcher, RoundResults } from './dispatch-round';
import type { RouterDeps } from './router-deps';

/**
 * Decides what happens to one ticket offered by intake, from the snapshot the listing gave (no tracker read):
 * skip it (and say why), or offer its capability a dispatch round, which takes the best queued tickets the free
 * slots allow. The ticket is dispatched if that round took it, waits in the queue state if no slot was left for
 * it, or is skipped with the round's reason.
 */
export async function routeIntake(intake: IntakeJob, deps: RouterDeps, dispatcher: Dispatcher): Promise<IntakeResult> {
  const { capability, ...answer } = await decide(intake, deps, dispatcher);
  // Where work waits under back-pressure (no session job yet): the idle-swarm page reads it.
  const waiting = new DispatchWaiting(deps.redis);
  if (answer.decision === 'waiting' && capability) await waiting.mark(intake.ticketKey, capability);
  else await waiting.clear(intake.ticketKey);
  return answer;
}

async function decide(
  intake: IntakeJob,
  deps: RouterDeps,
  dispatcher: Dispatcher,
): Promise<IntakeResult & { capability?: string }> {
  const { config, tracker, events } = deps;
  const paused = await intakeHold(deps.pauses);
  if (paused) return skip(paused);
  const ticket = intake.ticket;
  // A job from a scanner older than snapshots: every capability is offered a round, which lists the board itself.
  if (!ticket) return offerEvery(deps, dispatcher, intake.ticketKey);
  if (!config.tracker.states.queue.includes(ticket.state)) {
    await recordLateInProgress(deps, ticket);
    return skip(`ticket is in "${ticket.state}", not a queue state`);
  }

  const route = routeTicket(ticket, config.repos);
  if (route.kind === 'unknown') {
    if (await deps.counters.once(`unknown-repo:${ticket.key}`)) {
      await tracker.comment(ticket.key, `Nightshift skipped this ticket: ${route.reason}`);
      await events.append({ type: 'ticket.skipped', ticket: ticket.key, detail: { reason: route.reason } });
    }
    return skip(route.reason);
  }
  const blocked = openBlockers(ticket);
  if (blocked) return skip(blocked);
  const repo = config.repos.find((r) => r.name === route.repo)!;
  return decisionFor(ticket.key, repo.capability, await dispatcher.offer(repo.capability, ticket));
}

async function offerEvery(deps: RouterDeps, dispatcher: Dispatcher, key: string): Promise<IntakeResult> {
  const capabilities = [...new Set(deps.config.repos.map((r) => r.capability))];
  const rounds = await Promise.all(capabilities.map((c) => dispatcher.offer(c)));
  return rounds.map((r) => r.get(key)).find(Boolean) ?? waiting('no free slot took it');
}

function decisionFor(key: string, capability: string, round: RoundResults): IntakeResult & { capability: string } {
  return { ...(round.get(key) ?? waiting(`no free slot for capability "${capability}" takes it yet`)), capability };
}

/**
 * An intake delivered again after a router died between a ticket's move to In Progress and the event that says
 * so finds the ticket In Progress under a live claim, while the last move on record is elsewhere: the stream
 * would never account for that move. It is appended once, marked late (as the session-runner does for its own).
 */
async function recordLateInProgress(deps: RouterDeps, ticket: TicketSnapshot): Promise<void> {
  const inProgress = deps.config.tracker.states.inProgress;
  if (ticket.state !== inProgress) return;
  const run = await deps.claims.holder(ticket.key);
  if (!run || (await deps.events.placedByNightshift(ticket.key)) === inProgress) return;
  await deps.events.append({ type: 'ticket.moved', ticket: ticket.key, run, detail: { to: inProgress, late: true } });
}

function skip(reason: string): IntakeResult {
  return { decision: 'skipped', reason };
}

function waiting(reason: string): IntakeResult {
  return { decision: 'waiting', reason };
}
