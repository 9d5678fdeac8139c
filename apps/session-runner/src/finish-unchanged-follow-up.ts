import type { RepoConfig } from '@nightshift/config';
import type { SessionJob, SessionResult } from '@nightshift/contracts';
import { inertText, moveTicket, redactSecrets, stateFor, type Ticket } from '@nightshift/domain';

import { agentSummary } from './pr-text';
import type { SessionDeps } from './session-deps';

/**
 * A follow-up in which the agent changed nothing: the PR says so (a note at the end of its body, once per run),
 * each ticket goes back to In Review with a link, and the outcome is `no_changes`. The round was counted when
 * the router started it, so it counts toward `followUp.maxRounds`; no attempt is spent (the PR stands as it was).
 */
export async function finishUnchangedFollowUp(
  deps: SessionDeps,
  job: SessionJob,
  repo: RepoConfig,
  tickets: Ticket[],
  finalMessage: string | undefined,
): Promise<SessionResult> {
  const followUp = job.followUp!;
  const said = agentSummary(finalMessage);
  const note = inertText(
    redactSecrets(
      `**Follow-up ${followUp.round} of ${followUp.of} (run ${job.runId}) changed nothing on this branch.**${said ? ` The agent said:\n\n> ${said.split('\n').join('\n> ')}` : ''}`,
    ),
  );
  const pr = await deps.forge.findOpenPr(repo.name, job.branch);
  if (pr && !pr.body.includes(`(run ${job.runId}) changed nothing`)) {
    await deps.forge.updatePr(repo.name, pr.number, {
      title: pr.title,
      body: `${pr.body}\n\n${note}`,
      tickets: pr.tickets,
    });
    await deps.events.append({
      type: 'pr.updated',
      repo: repo.name,
      host: deps.host,
      run: job.runId,
      ticket: tickets[0]?.key,
      detail: { url: pr.url, number: pr.number, unchanged: true },
    });
  }
  const url = pr?.url ?? followUp.prUrl;
  for (const ticket of tickets) {
    const fresh = await deps.tracker.getTicket(ticket.key);
    // A human who moved the ticket elsewhere meanwhile decided.
    if (fresh && fresh.state !== deps.config.tracker.states.inProgress) continue;
    await moveTicket(
      deps,
      ticket.key,
      stateFor('in_review', deps.config.tracker.states)!,
      { host: deps.host, run: job.runId, why: 'follow-up changed nothing' },
      `Nightshift's follow-up ${followUp.round} of ${followUp.of} changed nothing; the pull request says so: ${url}`,
    );
  }
  return { outcome: 'no_changes', reason: `follow-up ${followUp.round} of ${followUp.of} changed nothing; PR ${url}` };
}
