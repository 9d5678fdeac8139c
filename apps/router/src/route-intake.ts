import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { NightshiftConfig } from '@nightshift/config';
import { branchForTicket, chooseModel, routeTicket, type Ticket } from '@nightshift/domain';
import { JOB, sessionJobId, type IntakeJob, type IntakeResult, type SessionJob } from '@nightshift/contracts';
import type { Tracker } from '@nightshift/tracker';
import type { Forge } from '@nightshift/forge';
import type { Claims, EventLog, TicketCounters } from '@nightshift/state';

export interface RouterDeps {
  config: NightshiftConfig;
  tracker: Tracker;
  forge: Forge;
  claims: Claims;
  counters: TicketCounters;
  events: EventLog;
  sessionQueue: (capability: string) => Queue;
  logger: Logger;
}

/**
 * Decides what happens to one ticket offered by intake: skip (and say why), or claim it, move it to In
 * Progress and enqueue a session on the queue of the capability its repo needs. Every guard is
 * checked against shared state, so two routers racing on one ticket dispatch it once.
 */
export async function routeIntake(intake: IntakeJob, deps: RouterDeps): Promise<IntakeResult> {
  const { config, tracker, events } = deps;
  const states = config.tracker.states;
  const ticket = await tracker.getTicket(intake.ticketKey);
  if (!ticket) return skip('ticket not found on the tracker');
  if (!states.queue.includes(ticket.state)) return skip(`ticket is in "${ticket.state}", not a queue state`);

  const route = routeTicket(ticket, config.repos);
  if (route.kind === 'unknown') {
    if (await deps.counters.once(`unknown-repo:${ticket.key}`)) {
      await tracker.comment(ticket.key, `Nightshift skipped this ticket: ${route.reason}`);
      await events.append({ type: 'ticket.skipped', ticket: ticket.key, detail: { reason: route.reason } });
    }
    return skip(route.reason);
  }
  const repo = config.repos.find((r) => r.name === route.repo)!;
  const base = { ticket: ticket.key, repo: repo.name };

  const cooling = await deps.counters.coolingDown(ticket.key);
  if (cooling) return skip(`cooling down after: ${cooling}`);
  const spent = await deps.counters.attemptsSpent(ticket.key);
  if (spent >= config.routing.maxAttempts) {
    await moveOnce(deps, ticket, states.needsHuman);
    return skip(`attempt budget spent (${spent}/${config.routing.maxAttempts})`);
  }
  const branch = branchForTicket(ticket.key);
  const open = await deps.forge.findOpenPr(repo.name, branch);
  if (open) {
    // A PR exists (an earlier run crashed after opening it, or a tracker update was lost): finish the move, start nothing.
    await moveOnce(deps, ticket, states.inReview);
    return skip(`PR already open: ${open.url}`);
  }
  const holder = await deps.claims.holder(ticket.key);
  if (holder) return skip(`claimed by run ${holder}`);

  const runId = `${ticket.key}.${await deps.counters.nextLaunch(ticket.key)}`;
  if (!(await deps.claims.claim(ticket.key, runId, config.routing.claimLeaseSec * 1000))) {
    return skip('claimed by another router a moment ago');
  }
  await events.append({ type: 'ticket.claimed', ...base, run: runId });
  await events.append({ type: 'ticket.routed', ...base, run: runId, detail: { by: route.by, capability: repo.capability } });
  await tracker.moveTo(ticket.key, states.inProgress);
  await events.append({ type: 'ticket.moved', ...base, run: runId, detail: { from: ticket.state, to: states.inProgress } });

  const job: SessionJob = {
    runId,
    repo: repo.name,
    capability: repo.capability,
    branch,
    tickets: [ticket.key],
    model: chooseModel(config.agent, spent),
    attempt: spent + 1,
    routedAt: new Date().toISOString(),
  };
  await deps.sessionQueue(repo.capability).add(JOB.session, job, { jobId: sessionJobId(runId) });
  return { decision: 'dispatched', reason: `routed to ${repo.name} by ${route.by}`, runId };
}

function skip(reason: string): IntakeResult {
  return { decision: 'skipped', reason };
}

async function moveOnce(deps: RouterDeps, ticket: Ticket, state: string): Promise<void> {
  if (ticket.state === state) return;
  await deps.tracker.moveTo(ticket.key, state);
  await deps.events.append({ type: 'ticket.moved', ticket: ticket.key, detail: { from: ticket.state, to: state } });
}
