import type { RepoConfig } from '@nightshift/config';
import type { SessionFollowUp } from '@nightshift/contracts';
import type { Ticket } from '@nightshift/domain';
import { moveOnce } from '@nightshift/domain';
import {
  batchRounds,
  decideFollowUp,
  lastSessionStarts,
  noteFollowUpCap,
  sessionFinishedWithPr,
} from '@nightshift/follow-up-policy';
import type { PullRequest } from '@nightshift/forge';
import type { FollowUpTrigger } from '@nightshift/state';

import type { RouterDeps } from './router-deps';

/** A follow-up the follow-up policy allows on the ticket's open PR. */
export interface FollowUpPlan {
  trigger: FollowUpTrigger;
  pr: PullRequest;
}

/**
 * A queued ticket whose PR is open: a follow-up on that PR when the follow-up policy sent it back
 * (review feedback) or a human moved it back after Nightshift finished it; otherwise (a session
 * crashed between opening the PR and moving the ticket) the move to In Review is finished and
 * nothing starts. Returns the plan, or why nothing starts.
 */
export async function followUpOnOpenPr(
  deps: RouterDeps,
  ticket: Ticket,
  open: PullRequest,
): Promise<FollowUpPlan | string> {
  const inReview = deps.config.tracker.states.inReview;
  const pending = await deps.followUps.pending(ticket.key);
  if (!pending && !(await sessionFinishedWithPr(deps.runs, ticket.key, open))) {
    await moveOnce(deps, ticket, inReview);
    return `PR already open: ${open.url}`;
  }
  const trigger = pending?.trigger ?? 'moved-back';
  // The review watch already waited out the debounce before sending the ticket back: only the cap applies here.
  const decision = decideFollowUp(deps.config.followUp, {
    trigger: 'moved-back',
    roundsUsed: await batchRounds(deps.followUps, prTickets(open, ticket.key)),
    now: new Date(),
  });
  if (decision.kind === 'start') return { trigger, pr: open };
  await deps.followUps.clearPending(ticket.key);
  if (decision.kind === 'capped') await noteFollowUpCap(deps, ticket.key, decision.rounds, open.url, trigger);
  await moveOnce(deps, ticket, inReview);
  return decision.kind === 'capped'
    ? `follow-up rounds spent (${decision.rounds}/${deps.config.followUp.maxRounds}); PR open: ${open.url}`
    : `follow-ups disabled; PR open: ${open.url}`;
}

/**
 * The tickets a follow-up on `pr` works for, claimed for its run: the one dispatched and every other ticket of
 * the PR that waits on it (In Review, or back in the queue), so they move together and the PR's one branch has
 * one session. Claimed in the PR's order, so two routers following up one PR for two of its tickets cannot both
 * start: the one that misses a claim lets go of those it took and returns null. Moves nothing.
 */
export async function claimPrBatch(
  deps: RouterDeps,
  ticket: Ticket,
  pr: PullRequest,
  runId: string,
): Promise<Ticket[] | null> {
  const { states } = deps.config.tracker;
  const waiting = [states.inReview, ...states.queue];
  const leaseMs = deps.config.routing.claimLeaseSec * 1000;
  const members: Ticket[] = [];
  for (const key of prTickets(pr, ticket.key)) {
    const member = key === ticket.key ? ticket : await deps.tracker.getTicket(key);
    // Done, with a human, or gone: it keeps its state and stays out of this session.
    if (!member || (key !== ticket.key && !waiting.includes(member.state))) continue;
    if (!(await deps.claims.claim(key, runId, leaseMs))) {
      for (const taken of members) await deps.claims.release(taken.key, runId);
      return null;
    }
    members.push(member);
  }
  return members;
}

/** Counts the round for each ticket of the session (after the claim, so two routers never both count one) and records it. */
export async function startFollowUp(
  deps: RouterDeps,
  ticket: Ticket,
  tickets: string[],
  repo: RepoConfig,
  runId: string,
  plan: FollowUpPlan,
): Promise<SessionFollowUp> {
  let round = 0;
  for (const key of tickets) {
    round = Math.max(round, await deps.followUps.startRound(key));
    await deps.followUps.clearPending(key);
  }
  const starts = await lastSessionStarts(deps.runs);
  const since = tickets.map((key) => starts.get(key) ?? '').reduce((a, b) => (a > b ? a : b), '') || plan.pr.createdAt;
  const followUp: SessionFollowUp = {
    trigger: plan.trigger,
    round,
    of: deps.config.followUp.maxRounds,
    prNumber: plan.pr.number,
    prUrl: plan.pr.url,
    since,
  };
  await deps.events.append({
    type: 'followup.started',
    ticket: ticket.key,
    repo: repo.name,
    run: runId,
    detail: { trigger: plan.trigger, round, of: followUp.of, pr: plan.pr.url, tickets: tickets.join(',') },
  });
  return followUp;
}

/** The PR's tickets in its order, with `ticket` in it (a PR found on the ticket's own branch may predate its marker). */
function prTickets(pr: PullRequest, ticket: string): string[] {
  return pr.tickets.includes(ticket) ? pr.tickets : [ticket, ...pr.tickets];
}
