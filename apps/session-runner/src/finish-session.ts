import { spendsAttempt, type Outcome, type Ticket } from '@nightshift/domain';
import type { SessionJob, SessionResult } from '@nightshift/contracts';
import type { RepoConfig } from '@nightshift/config';
import { commitAll } from '@nightshift/git';
import { redactSecrets } from '@nightshift/service-shell';
import type { SessionDeps } from './session-deps';

/**
 * The work is done and there is a diff: commit, push the deterministic branch, find-or-create the PR
 * for it (so a retry after a crash reuses the PR it opened), then move every ticket to In Review
 * with a link. Each step is idempotent, so a rerun after a crash anywhere in here converges.
 */
export async function finishSuccess(deps: SessionDeps, job: SessionJob, repo: RepoConfig, tickets: Ticket[], worktree: string): Promise<SessionResult> {
  const lead = tickets[0]!;
  const base = { repo: repo.name, host: deps.host, run: job.runId };
  await commitAll(worktree, redactSecrets(`${lead.key}: ${lead.title}\n\nNightshift run ${job.runId} (model ${job.model}).`));
  await deps.forge.pushBranch({ repo: repo.name, remoteUrl: repo.remote, worktreePath: worktree, branch: job.branch });
  const { pr, created } = await deps.forge.findOrCreatePr({
    repo: repo.name,
    head: job.branch,
    base: repo.baseBranch,
    title: redactSecrets(`${lead.key}: ${lead.title}`),
    body: redactSecrets(prBody(tickets, job)),
    tickets: tickets.map((t) => t.key),
  });
  if (created) await deps.events.append({ type: 'pr.opened', ...base, ticket: lead.key, detail: { url: pr.url, number: pr.number } });
  for (const ticket of tickets) {
    await moveTicket(deps, ticket.key, deps.config.tracker.states.inReview, job.runId);
    const fresh = await deps.tracker.getTicket(ticket.key);
    // Idempotent through the tracker itself: a rerun after a crash does not post the link twice.
    if (fresh && !fresh.comments.some((c) => c.body.includes(pr.url))) {
      await deps.tracker.comment(ticket.key, `Nightshift opened a pull request: ${pr.url} (run ${job.runId}, model ${job.model}).`);
    }
  }
  return { outcome: 'success', reason: `PR ${pr.url}`, prUrl: pr.url };
}

/**
 * The session did not produce a PR. Task failures spend an attempt; after the budget the ticket goes
 * to a human. Infrastructure failures spend nothing: the ticket goes back to the queue after a
 * cool-down. A canceled session leaves the ticket where a human put it.
 */
export async function finishFailure(deps: SessionDeps, job: SessionJob, outcome: Outcome, reason: string, shuttingDown: boolean): Promise<SessionResult> {
  const states = deps.config.tracker.states;
  const safeReason = redactSecrets(reason);
  if (outcome === 'canceled' && !shuttingDown) return { outcome, reason: safeReason };
  for (const key of job.tickets) {
    if (spendsAttempt(outcome)) {
      const spent = await deps.counters.spendAttempt(key);
      deps.metrics.attemptsSpent.inc({ repo: job.repo, outcome });
      if (spent >= deps.config.routing.maxAttempts) {
        await moveTicket(deps, key, states.needsHuman, job.runId);
        await deps.tracker.comment(key, `Nightshift gave up after ${spent} attempts. Last outcome: ${outcome} (${safeReason}). A human needs to look.`);
        continue;
      }
    } else {
      await deps.counters.coolDown(key, deps.config.routing.retryDelaySec * 1000, `${outcome}: ${safeReason}`.slice(0, 300));
    }
    const ticket = await deps.tracker.getTicket(key);
    if (ticket && ticket.state === states.inProgress) await moveTicket(deps, key, states.queue[0]!, job.runId);
  }
  return { outcome, reason: safeReason };
}

async function moveTicket(deps: SessionDeps, key: string, state: string, runId: string): Promise<void> {
  await deps.tracker.moveTo(key, state);
  await deps.events.append({ type: 'ticket.moved', ticket: key, host: deps.host, run: runId, detail: { to: state } });
}

function prBody(tickets: Ticket[], job: SessionJob): string {
  const lines = ['Opened by Nightshift.', '', ...tickets.map((t) => `- ${t.key}: ${t.title} (${t.url})`), ''];
  lines.push(`Run ${job.runId}, attempt ${job.attempt}, model ${job.model}.`);
  return lines.join('\n');
}
