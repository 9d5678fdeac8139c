import { agentPolicy, type RepoConfig } from '@nightshift/config';
import { type IntakeResult, JOB, type SessionFollowUp, type SessionJob, sessionJobId } from '@nightshift/contracts';
import {
  agentLabels,
  branchForTicket,
  chooseAgent,
  infraFingerprint,
  moveOnce,
  moveTicket,
  routeTicket,
  stateFor,
  type Ticket,
} from '@nightshift/domain';
import { findTicketPr } from '@nightshift/follow-up-policy';
import { budgetHold } from '@nightshift/pause-policy';
import { crashPoint } from '@nightshift/service-shell';

import { openBlockers, sessionPriority } from './dispatch-order';
import { claimPrBatch, followUpOnOpenPr, type FollowUpPlan, startFollowUp } from './follow-up-dispatch';
import type { RouterDeps } from './router-deps';

/** A lead ticket's dispatch: the intake decision, and the tickets its session took when it went out. */
export type LeadResult = IntakeResult & { tickets?: string[] };

/**
 * Claims a lead ticket (with up to `room - 1` more listed tickets of the same repo), moves it to In Progress and
 * enqueues one session on the queue of the capability its repo needs; or says why it must not start. Every guard
 * is checked against shared state, so two routers racing on one ticket dispatch it once.
 */
export async function dispatchLead(
  deps: RouterDeps,
  ticket: Ticket,
  repo: RepoConfig,
  by: string,
  listed: Ticket[],
  room: number,
): Promise<LeadResult> {
  const verdict = await guard(deps, ticket, repo, true);
  if (typeof verdict === 'string') return skip(verdict);
  const spent = await deps.counters.attemptsSpent(ticket.key);
  const choice = chooseAgent(agentPolicy(deps.config, repo), ticket.labels, spent);
  if ('refused' in choice) return refuseAgent(deps, ticket, repo, choice.refused);
  const launch = await deps.counters.nextLaunch(ticket.key);
  const runId = `${ticket.key}.${launch}`;
  let batch: string[];
  let followUp: SessionFollowUp | undefined;
  if (verdict) {
    // A follow-up works on its PR's branch, for every ticket of the PR that waits on it; nothing else joins it.
    const members = await claimPrBatch(deps, ticket, verdict.pr, runId);
    if (!members) return skip(`another router claimed a ticket of ${verdict.pr.url} a moment ago`);
    for (const member of members)
      await recordAndMove(
        deps,
        member,
        repo,
        runId,
        member.key === ticket.key ? `follow-up on ${verdict.pr.url}` : `with ${ticket.key} on ${verdict.pr.url}`,
      );
    batch = members.map((m) => m.key);
    followUp = await startFollowUp(deps, ticket, batch, repo, runId, verdict);
  } else {
    if (!(await claimAndMove(deps, ticket, repo, runId, by))) return skip('claimed by another router a moment ago');
    batch = [ticket.key, ...(await collectBatch(deps, ticket, repo, runId, listed, room))];
  }

  const job: SessionJob = {
    runId,
    repo: repo.name,
    capability: repo.capability,
    branch: verdict ? verdict.pr.head : branchForTicket(ticket.key),
    tickets: batch,
    model: choice.model,
    agent: choice.kind,
    attempt: spent + 1,
    routedAt: new Date().toISOString(),
    ...(followUp ? { followUp } : {}),
    ...(launch === 1 && !followUp ? { firstLaunch: true } : {}),
  };
  await deps
    .sessionQueue(repo.capability)
    .add(JOB.session, job, { jobId: sessionJobId(runId), priority: sessionPriority(ticket) });
  const how = followUp
    ? `follow-up round ${followUp.round} of ${followUp.of} on ${followUp.prUrl}${batch.length > 1 ? ` for ${batch.length} tickets` : ''}`
    : `routed to ${repo.name} by ${by}${batch.length > 1 ? ` with ${batch.length - 1} more` : ''}`;
  return { decision: 'dispatched', reason: how, runId, tickets: batch };
}

/** Why this ticket must not start now, or null; as a lead ticket with an open PR, the follow-up it gets. */
async function guard(
  deps: RouterDeps,
  ticket: Ticket,
  repo: RepoConfig,
  asLead = false,
): Promise<string | FollowUpPlan | null> {
  const { config } = deps;
  const waiting = openBlockers(ticket) ?? (await budgetHold(deps.pauses, ticket.key, repo.name));
  if (waiting) return waiting;
  const cooling = await deps.counters.coolingDown(ticket.key);
  if (cooling) return `cooling down after: ${cooling}`;
  const infra = await infraRetriesExhausted(deps, ticket);
  if (infra) return infra;
  const spent = await deps.counters.attemptsSpent(ticket.key);
  if (spent >= config.routing.maxAttempts) return attemptsSpent(deps, ticket, spent);
  // Its own branch's PR, or its batch's: a batch member sent back never opens a second PR.
  const open = await findTicketPr(deps, repo.name, ticket.key);
  // A follow-up (review feedback, or a human moved it back), or a finished ticket whose move to In Review was lost.
  const followUp = open ? (asLead ? await followUpOnOpenPr(deps, ticket, open) : `PR already open: ${open.url}`) : null;
  if (typeof followUp === 'string') return followUp;
  const holder = await deps.claims.holder(ticket.key);
  if (holder) return `claimed by run ${holder}`;
  // Another ticket of the PR is in a session: that session owns the PR's branch until it ends.
  for (const other of followUp?.pr.tickets ?? []) {
    const busy = await deps.claims.holder(other);
    if (busy) return `its PR ${followUp!.pr.url} is being worked on by run ${busy} (${other})`;
  }
  return followUp;
}

/**
 * A ticket that gave up after routing.maxInfraRetries infrastructure failures stays with a human until the
 * human says "try again": they move it back out of Needs Human (where Nightshift last put it; a fix made outside
 * the config, such as reinstalling the agent, changes nothing Nightshift can see), or something a fix would
 * change has changed (config or ticket text). Then its streak starts over.
 */
async function infraRetriesExhausted(deps: RouterDeps, ticket: Ticket): Promise<string | null> {
  const { config } = deps;
  const streak = await deps.counters.infraStreak(ticket.key);
  if (!streak || streak.count < config.routing.maxInfraRetries) return null;
  // Only queue-state tickets get here: one Nightshift last put in Needs Human was moved back by a human.
  const movedBack = (await deps.events.placedByNightshift(ticket.key)) === config.tracker.states.needsHuman;
  if (movedBack || streak.fingerprint !== infraFingerprint(ticket, config)) {
    await deps.counters.clearInfraErrors(ticket.key);
    // Should the retry give up again, the human is told again (the note is kept once per streak, see finish-session).
    await deps.counters.forgetOnce(`infra-gave-up:${ticket.key}:${streak.fingerprint}`);
    return null;
  }
  await moveOnce(deps, ticket, stateFor('needs_human', config.tracker.states)!);
  return `gave up after ${streak.count} infrastructure failures in a row; fix the cause, then move it back to ${config.tracker.states.queue[0]} to retry`;
}

/**
 * A ticket whose attempts are spent goes back to Needs Human. When a human had moved it out of there (where
 * Nightshift last put it), it says why on the ticket and in the event: moving it back does not give attempts back.
 */
async function attemptsSpent(deps: RouterDeps, ticket: Ticket, spent: number): Promise<string> {
  const { config } = deps;
  const needsHuman = stateFor('needs_human', config.tracker.states)!;
  const reason = `attempt budget spent (${spent}/${config.routing.maxAttempts})`;
  const movedBack = (await deps.events.placedByNightshift(ticket.key)) === needsHuman;
  if (!movedBack) {
    await moveOnce(deps, ticket, needsHuman);
    return reason;
  }
  const how = `\`nightshift retry ${ticket.key} --reset-attempts\` gives it ${config.routing.maxAttempts} more`;
  await moveTicket(
    deps,
    ticket.key,
    needsHuman,
    { from: ticket.state, why: `${reason}; moving it back does not reset attempts` },
    `Moved back to ${ticket.state}, but this ticket has spent all ${config.routing.maxAttempts} of its attempts, so Nightshift put it back in ${needsHuman}. ${how}.`,
  );
  return `${reason}; ${how}`;
}

async function claimAndMove(
  deps: RouterDeps,
  ticket: Ticket,
  repo: RepoConfig,
  runId: string,
  by: string,
): Promise<boolean> {
  if (!(await deps.claims.claim(ticket.key, runId, deps.config.routing.claimLeaseSec * 1000))) return false;
  await recordAndMove(deps, ticket, repo, runId, by);
  return true;
}

/** A claimed ticket: the claim and the route on the event stream, then the move to In Progress. */
async function recordAndMove(
  deps: RouterDeps,
  ticket: Ticket,
  repo: RepoConfig,
  runId: string,
  by: string,
): Promise<void> {
  const base = { ticket: ticket.key, repo: repo.name, run: runId };
  await deps.events.append({ type: 'ticket.claimed', ...base });
  await deps.events.append({ type: 'ticket.routed', ...base, detail: { by, capability: repo.capability } });
  const events = {
    append: (event: Parameters<RouterDeps['events']['append']>[0]) => {
      crashPoint('router.after-move');
      return deps.events.append(event);
    },
  };
  await moveTicket(
    { tracker: deps.tracker, events },
    ticket.key,
    stateFor('in_progress', deps.config.tracker.states)!,
    {
      repo: repo.name,
      run: runId,
      from: ticket.state,
    },
  );
  crashPoint('router.after-in-progress');
}

/** Up to `room - 1` other listed tickets of the same repo that pass every guard, claimed for the same run. */
async function collectBatch(
  deps: RouterDeps,
  lead: Ticket,
  repo: RepoConfig,
  runId: string,
  listed: Ticket[],
  room: number,
): Promise<string[]> {
  const picked: string[] = [];
  for (const other of listed) {
    if (picked.length >= room - 1) break;
    if (other.key === lead.key) continue;
    const route = routeTicket(other, deps.config.repos);
    if (route.kind !== 'routed' || route.repo !== repo.name) continue;
    // One session runs one CLI: a ticket asking for another one (or none, where the lead asks) waits for its own.
    if (agentLabels(other.labels).join() !== agentLabels(lead.labels).join()) continue;
    if (await guard(deps, other, repo)) continue;
    if (await claimAndMove(deps, other, repo, runId, `batch with ${lead.key}`)) picked.push(other.key);
  }
  return picked;
}

/** A ticket whose label asks for a CLI its repo cannot run: said once on the ticket and the event stream. */
async function refuseAgent(deps: RouterDeps, ticket: Ticket, repo: RepoConfig, why: string): Promise<IntakeResult> {
  const reason = `repo ${repo.name}: ${why}`;
  if (await deps.counters.once(`agent-choice:${ticket.key}:${reason}`)) {
    await deps.tracker.comment(ticket.key, `Nightshift skipped this ticket: ${reason}`);
    await deps.events.append({ type: 'ticket.skipped', ticket: ticket.key, detail: { reason } });
  }
  return skip(reason);
}

function skip(reason: string): IntakeResult {
  return { decision: 'skipped', reason };
}
