import type { Logger } from 'pino';
import type { NightshiftConfig, RepoConfig } from '@nightshift/config';
import { branchForTicket, chooseModel, infraFingerprint, moveOnce, moveTicket, routeTicket, stateFor, type Ticket } from '@nightshift/domain';
import { JOB, sessionJobId, type IntakeJob, type IntakeResult, type SessionJob } from '@nightshift/contracts';
import type { Tracker } from '@nightshift/tracker';
import type { Forge } from '@nightshift/forge';
import type { Claims, EventLog, FollowUps, PauseStore, RunStore, TicketCounters } from '@nightshift/state';
import { KeyedMutex } from '@nightshift/file-store';
import { crashPoint, type JobQueue } from '@nightshift/service-shell';
import { budgetHold, intakeHold } from '@nightshift/pause-policy';
import { openBlockers, sessionPriority } from './dispatch-order';
import { followUpOnOpenPr, startFollowUp, type FollowUpPlan } from './follow-up-dispatch';

/** Routing of one repo is serialized in this process, so a batch gathers tickets instead of racing them. */
const perRepo = new KeyedMutex();

export interface RouterDeps {
  config: NightshiftConfig;
  tracker: Tracker;
  forge: Forge;
  claims: Claims;
  counters: TicketCounters;
  events: EventLog;
  pauses: PauseStore;
  runs: RunStore;
  followUps: FollowUps;
  sessionQueue: (capability: string) => JobQueue<'session'>;
  logger: Logger;
}

/**
 * Decides what happens to one ticket offered by intake: skip (and say why), or claim it (with up to
 * `batchSize - 1` more queued tickets of the same repo), move it to In Progress and enqueue one
 * session on the queue of the capability its repo needs. Every guard is checked against shared
 * state, so two routers racing on one ticket dispatch it once.
 */
export async function routeIntake(intake: IntakeJob, deps: RouterDeps): Promise<IntakeResult> {
  const { config, tracker, events } = deps;
  const paused = await intakeHold(deps.pauses);
  if (paused) return skip(paused);
  const ticket = await tracker.getTicket(intake.ticketKey);
  if (!ticket) return skip('ticket not found on the tracker');
  if (!config.tracker.states.queue.includes(ticket.state)) return skip(`ticket is in "${ticket.state}", not a queue state`);

  const route = routeTicket(ticket, config.repos);
  if (route.kind === 'unknown') {
    if (await deps.counters.once(`unknown-repo:${ticket.key}`)) {
      await tracker.comment(ticket.key, `Nightshift skipped this ticket: ${route.reason}`);
      await events.append({ type: 'ticket.skipped', ticket: ticket.key, detail: { reason: route.reason } });
    }
    return skip(route.reason);
  }
  const repo = config.repos.find((r) => r.name === route.repo)!;
  return perRepo.run(repo.name, () => dispatch(deps, ticket, repo, route.by));
}

async function dispatch(deps: RouterDeps, ticket: Ticket, repo: RepoConfig, by: string): Promise<IntakeResult> {
  const verdict = await guard(deps, ticket, repo, true);
  if (typeof verdict === 'string') return skip(verdict);
  const launch = await deps.counters.nextLaunch(ticket.key);
  const runId = `${ticket.key}.${launch}`;
  if (!(await claimAndMove(deps, ticket, repo, runId, verdict ? `follow-up on ${verdict.pr.url}` : by))) return skip('claimed by another router a moment ago');
  // A follow-up works on its own PR's branch: nothing else joins it.
  const batch = verdict ? [ticket.key] : [ticket.key, ...(await collectBatch(deps, ticket, repo, runId))];
  const followUp = verdict ? await startFollowUp(deps, ticket, repo, runId, verdict) : undefined;

  const spent = await deps.counters.attemptsSpent(ticket.key);
  const job: SessionJob = {
    runId,
    repo: repo.name,
    capability: repo.capability,
    branch: branchForTicket(ticket.key),
    tickets: batch,
    model: chooseModel(deps.config.agent, spent),
    attempt: spent + 1,
    routedAt: new Date().toISOString(),
    ...(followUp ? { followUp } : {}),
    ...(launch === 1 && !followUp ? { firstLaunch: true } : {}),
  };
  await deps.sessionQueue(repo.capability).add(JOB.session, job, { jobId: sessionJobId(runId), priority: sessionPriority(ticket) });
  const how = followUp ? `follow-up round ${followUp.round} of ${followUp.of} on ${followUp.prUrl}` : `routed to ${repo.name} by ${by}${batch.length > 1 ? ` with ${batch.length - 1} more` : ''}`;
  return { decision: 'dispatched', reason: how, runId };
}

/** Why this ticket must not start now, or null; as a lead ticket with an open PR, the follow-up it gets. */
async function guard(deps: RouterDeps, ticket: Ticket, repo: RepoConfig, asLead = false): Promise<string | FollowUpPlan | null> {
  const { config } = deps;
  const waiting = openBlockers(ticket) ?? (await budgetHold(deps.pauses, ticket.key, repo.name));
  if (waiting) return waiting;
  const cooling = await deps.counters.coolingDown(ticket.key);
  if (cooling) return `cooling down after: ${cooling}`;
  const infra = await infraRetriesExhausted(deps, ticket);
  if (infra) return infra;
  const spent = await deps.counters.attemptsSpent(ticket.key);
  if (spent >= config.routing.maxAttempts) {
    await moveOnce(deps, ticket, stateFor('needs_human', config.tracker.states)!);
    return `attempt budget spent (${spent}/${config.routing.maxAttempts})`;
  }
  const open = await deps.forge.findOpenPr(repo.name, branchForTicket(ticket.key));
  // A follow-up (review feedback, or a human moved it back), or a finished ticket whose move to In Review was lost.
  const followUp = open ? (asLead ? await followUpOnOpenPr(deps, ticket, open) : `PR already open: ${open.url}`) : null;
  if (typeof followUp === 'string') return followUp;
  const holder = await deps.claims.holder(ticket.key);
  return holder ? `claimed by run ${holder}` : followUp;
}

/**
 * A ticket that gave up after routing.maxInfraRetries infrastructure failures stays with a human
 * until something a fix would change has changed (config or ticket text); then its streak starts over.
 */
async function infraRetriesExhausted(deps: RouterDeps, ticket: Ticket): Promise<string | null> {
  const { config } = deps;
  const streak = await deps.counters.infraStreak(ticket.key);
  if (!streak || streak.count < config.routing.maxInfraRetries) return null;
  if (streak.fingerprint !== infraFingerprint(ticket, config)) {
    await deps.counters.clearInfraErrors(ticket.key);
    return null;
  }
  await moveOnce(deps, ticket, stateFor('needs_human', config.tracker.states)!);
  return `gave up after ${streak.count} infrastructure failures in a row; change the config or the ticket to retry`;
}

async function claimAndMove(deps: RouterDeps, ticket: Ticket, repo: RepoConfig, runId: string, by: string): Promise<boolean> {
  if (!(await deps.claims.claim(ticket.key, runId, deps.config.routing.claimLeaseSec * 1000))) return false;
  const base = { ticket: ticket.key, repo: repo.name, run: runId };
  await deps.events.append({ type: 'ticket.claimed', ...base });
  await deps.events.append({ type: 'ticket.routed', ...base, detail: { by, capability: repo.capability } });
  await moveTicket(deps, ticket.key, stateFor('in_progress', deps.config.tracker.states)!, { repo: repo.name, run: runId, from: ticket.state });
  crashPoint('router.after-in-progress');
  return true;
}

/** Up to batchSize - 1 other queued tickets of the same repo that pass every guard, claimed for the same run. */
async function collectBatch(deps: RouterDeps, lead: Ticket, repo: RepoConfig, runId: string): Promise<string[]> {
  const room = deps.config.routing.batchSize - 1;
  if (room <= 0) return [];
  const picked: string[] = [];
  for (const other of await deps.tracker.listByStates(deps.config.tracker.states.queue)) {
    if (picked.length >= room) break;
    if (other.key === lead.key) continue;
    const route = routeTicket(other, deps.config.repos);
    if (route.kind !== 'routed' || route.repo !== repo.name) continue;
    if (await guard(deps, other, repo)) continue;
    if (await claimAndMove(deps, other, repo, runId, `batch with ${lead.key}`)) picked.push(other.key);
  }
  return picked;
}

function skip(reason: string): IntakeResult {
  return { decision: 'skipped', reason };
}
