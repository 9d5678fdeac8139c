import { spendsAttempt, type Outcome, type Ticket } from '@nightshift/domain';
import type { RunRecord, SessionJob, SessionResult } from '@nightshift/contracts';
import type { RepoConfig } from '@nightshift/config';
import { commitAll } from '@nightshift/git';
import { redactSecrets } from '@nightshift/service-shell';
import type { SessionDeps } from './session-deps';

/** How the PR is opened: a draft with labels and a note in its body when the checks still fail. */
export interface PrOptions {
  draft?: boolean;
  labels?: string[];
  note?: string;
}

/**
 * The work is done and there is a diff: commit, push the deterministic branch, find-or-create the PR
 * for it (so a retry after a crash reuses the PR it opened), then move every ticket to In Review
 * with a link. Each step is idempotent, so a rerun after a crash anywhere in here converges.
 */
export async function finishSuccess(deps: SessionDeps, job: SessionJob, repo: RepoConfig, tickets: Ticket[], worktree: string, denied: string[] = [], options: PrOptions = {}): Promise<SessionResult> {
  const lead = tickets[0]!;
  const base = { repo: repo.name, host: deps.host, run: job.runId };
  const keys = tickets.map((t) => t.key).join(', ');
  await commitAll(worktree, redactSecrets(`${keys}: ${lead.title}\n\nNightshift run ${job.runId} (model ${job.model}).`));
  await deps.forge.pushBranch({ repo: repo.name, remoteUrl: repo.remote, worktreePath: worktree, branch: job.branch });
  const { pr, created } = await deps.forge.findOrCreatePr({
    repo: repo.name,
    head: job.branch,
    base: repo.baseBranch,
    title: redactSecrets(tickets.length === 1 ? `${lead.key}: ${lead.title}` : `${keys}: ${lead.title} (+${tickets.length - 1})`),
    body: redactSecrets([prBody(tickets, job), ...deniedCommandsLines(denied, repo.name), ...(options.note ? ['', options.note] : [])].join('\n')),
    tickets: tickets.map((t) => t.key),
    ...(options.draft ? { draft: true } : {}),
    ...(options.labels?.length ? { labels: options.labels } : {}),
  });
  if (created) await deps.events.append({ type: 'pr.opened', ...base, ticket: lead.key, detail: { url: pr.url, number: pr.number } });
  for (const ticket of tickets) {
    // The link first, then the move: whoever sees the ticket in In Review finds its PR on it.
    // Idempotent through the tracker itself: a rerun after a crash does not post the link twice.
    const fresh = await deps.tracker.getTicket(ticket.key);
    if (fresh && !fresh.comments.some((c) => c.body.includes(pr.url))) {
      const draftNote = options.draft ? ' as a draft: its checks still fail' : '';
      await deps.tracker.comment(ticket.key, `Nightshift opened a pull request${draftNote}: ${pr.url} (run ${job.runId}, model ${job.model}).`);
    }
    await moveTicket(deps, ticket.key, deps.config.tracker.states.inReview, job.runId);
  }
  return { outcome: 'success', reason: `PR ${pr.url}`, prUrl: pr.url };
}

/**
 * The session did not produce a PR. Task failures spend an attempt; after the budget the ticket goes
 * to a human with a summary of every attempt. Infrastructure failures spend nothing: the ticket goes
 * back to the queue after a cool-down. A session canceled because a human moved its ticket leaves
 * the ticket where the human put it.
 */
export async function finishFailure(deps: SessionDeps, job: SessionJob, outcome: Outcome, reason: string, opts: { shuttingDown: boolean; needsHumanNote?: string; denied?: string[] }): Promise<SessionResult> {
  const states = deps.config.tracker.states;
  const safeReason = redactSecrets(reason);
  if (outcome === 'canceled' && !opts.shuttingDown) return { outcome, reason: safeReason };
  for (const key of job.tickets) {
    if (spendsAttempt(outcome)) {
      const spent = await deps.counters.spendAttempt(key);
      deps.metrics.attemptsSpent.inc({ repo: job.repo, outcome });
      if (opts.needsHumanNote || spent >= deps.config.routing.maxAttempts) {
        // The explanation first, then the move: a human who sees the ticket in Needs Human finds why on it.
        const note = opts.needsHumanNote ?? `Nightshift gave up after ${spent} attempts; a human needs to look.`;
        await deps.tracker.comment(key, redactSecrets(`${note}\n\n${await attemptSummary(deps, key, { runId: job.runId, model: job.model, attempt: job.attempt, outcome, reason: safeReason, permissionDenials: opts.denied })}`));
        await moveTicket(deps, key, states.needsHuman, job.runId);
        await deps.notifier.notify({ kind: 'needs_human', text: `${key} needs a human: ${note.split('\n')[0]}` });
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

/** One line per attempt: model, outcome, duration and the last lines of output. */
async function attemptSummary(deps: SessionDeps, ticket: string, current: Partial<RunRecord>): Promise<string> {
  const earlier: Array<Partial<RunRecord>> = (await deps.runs.list(5000)).filter((r) => r.tickets.includes(ticket) && r.outcome && r.runId !== current.runId);
  const rows = [...earlier, current].map((r) => {
    const took = typeof r.durationMs === 'number' ? `${Math.round(r.durationMs / 1000)}s` : 'now';
    const last = r.lastLines ? `\n  > ${r.lastLines.split('\n').join('\n  > ')}` : '';
    const denied = r.permissionDenials?.length ? `\n  not allowed to run: ${r.permissionDenials.join('; ')}` : '';
    return `- attempt ${r.attempt} · ${r.model} · ${r.outcome} · ${took}: ${r.reason ?? ''}${denied}${last}`;
  });
  return `Attempts:\n${rows.join('\n')}`;
}

async function moveTicket(deps: SessionDeps, key: string, state: string, runId: string): Promise<void> {
  await deps.tracker.moveTo(key, state);
  await deps.events.append({ type: 'ticket.moved', ticket: key, host: deps.host, run: runId, detail: { to: state } });
}

/** What the agent asked to run and was refused: a reviewer should know which checks it could not run itself. */
function deniedCommandsLines(denied: string[], repo: string): string[] {
  if (denied.length === 0) return [];
  const unique = [...new Set(denied)];
  const bash = /^Bash\((.+)\)$/.exec(unique.find((d) => d.startsWith('Bash(') && !d.startsWith('Bash(git push')) ?? '')?.[1];
  const example = bash ? `Bash(${bash}:*)` : unique[0];
  return [
    '',
    `The agent was not allowed to run ${unique.length === 1 ? 'this' : `these ${unique.length}`} (no permission rule covered ${unique.length === 1 ? 'it' : 'them'}), so it did not see their results:`,
    ...unique.map((d) => `- \`${d.replace(/`/g, "'")}\``),
    `To allow it next time, add a rule such as \`${example}\` to the allowedTools of repo ${repo} in nightshift.yaml.`,
  ];
}

function prBody(tickets: Ticket[], job: SessionJob): string {
  const lines = ['Opened by Nightshift.', '', ...tickets.map((t) => `- ${t.key}: ${t.title} (${t.url})`), ''];
  lines.push(`Run ${job.runId}, attempt ${job.attempt}, model ${job.model}.`);
  return lines.join('\n');
}
