import type { RepoConfig } from '@nightshift/config';
import type { SessionFollowUp } from '@nightshift/contracts';
import type { Ticket } from '@nightshift/domain';
import type { PullRequest } from '@nightshift/forge';
import type { FollowUpTrigger } from '@nightshift/state';
import { decideFollowUp, lastSessionStarts, noteFollowUpCap, sessionFinishedWithPr } from '@nightshift/follow-up-policy';
import { moveOnce } from '@nightshift/domain';
import type { RouterDeps } from './route-intake';

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
export async function followUpOnOpenPr(deps: RouterDeps, ticket: Ticket, open: PullRequest): Promise<FollowUpPlan | string> {
  const inReview = deps.config.tracker.states.inReview;
  const pending = await deps.followUps.pending(ticket.key);
  if (!pending && !(await sessionFinishedWithPr(deps.runs, ticket.key, open))) {
    await moveOnce(deps, ticket, inReview);
    return `PR already open: ${open.url}`;
  }
  const trigger = pending?.trigger ?? 'moved-back';
  // The review watch already waited out the debounce before sending the ticket back: only the cap applies here.
  const decision = decideFollowUp(deps.config.followUp, { trigger: 'moved-back', roundsUsed: await deps.followUps.rounds(ticket.key), now: new Date() });
  if (decision.kind === 'start') return { trigger, pr: open };
  await deps.followUps.clearPending(ticket.key);
  if (decision.kind === 'capped') await noteFollowUpCap(deps, ticket.key, decision.rounds, open.url, trigger);
  await moveOnce(deps, ticket, inReview);
  return decision.kind === 'capped' ? `follow-up rounds spent (${decision.rounds}/${deps.config.followUp.maxRounds}); PR open: ${open.url}` : `follow-ups disabled; PR open: ${open.url}`;
}

/** Counts the round (after the claim, so two routers never both count one) and records it as an event. */
export async function startFollowUp(deps: RouterDeps, ticket: Ticket, repo: RepoConfig, runId: string, plan: FollowUpPlan): Promise<SessionFollowUp> {
  const round = await deps.followUps.startRound(ticket.key);
  await deps.followUps.clearPending(ticket.key);
  const since = (await lastSessionStarts(deps.runs)).get(ticket.key) ?? plan.pr.createdAt;
  const followUp: SessionFollowUp = { trigger: plan.trigger, round, of: deps.config.followUp.maxRounds, prNumber: plan.pr.number, prUrl: plan.pr.url, since };
  await deps.events.append({ type: 'followup.started', ticket: ticket.key, repo: repo.name, run: runId, detail: { trigger: plan.trigger, round, of: followUp.of, pr: plan.pr.url } });
  return followUp;
}
