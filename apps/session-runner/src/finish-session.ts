import type { RepoConfig } from '@nightshift/config';
import type { RunRecord, SessionJob, SessionResult } from '@nightshift/contracts';
import {
  branchForTicket,
  decideInfraRetry,
  humanDuration,
  inertText,
  infraFingerprint,
  moveAfterOutcome,
  moveTicket,
  type Outcome,
  redactSecrets,
  spendsAttempt,
  stateFor,
  type Ticket,
} from '@nightshift/domain';
import { commitAll, diffStat, headCommit } from '@nightshift/git';
import { crashPoint } from '@nightshift/service-shell';

import { branchIsNew } from './branch-is-new';
import { gatePush } from './gate-push';
import { prAssignment } from './pr-assignment';
import { type PrBodyInput, renderPrBody } from './pr-body';
import { agentSummary, commitMessage, MAX_PR_TITLE_CHARS, ticketLine } from './pr-text';
import { readRepoTemplate } from './repo-template';
import type { SessionDeps } from './session-deps';
import { trustedWorktree } from './trusted-worktree';

/** What the session leaves for the commit and the PR body besides the tickets. */
export interface SessionReport {
  record: RunRecord;
  /** The agent's final result text, raw (redacted and capped here). */
  finalMessage: string | undefined;
  /** Commands the agent was refused this run; the permissions work fills it from the run's denials. */
  deniedCommands: string[];
  /** Checks run on the change and their results; the quality loop fills it. */
  checks: string[];
}

/** How the PR is opened: a draft with labels and a note in its body when the checks still fail. */
export interface PrOptions {
  draft?: boolean;
  labels?: string[];
  note?: string;
}

/**
 * The work is done and there is a diff: commit (as the configured bot, the agent's summary in the
 * body), push the deterministic branch, find-or-create the PR for it (so a retry after a crash
 * reuses the PR it opened) with a body a reviewer can read, updated when a later session pushes to
 * the same branch, then move every ticket to In Review with a link. Each step is idempotent, so a
 * rerun after a crash anywhere in here converges.
 */
export async function finishSuccess(
  deps: SessionDeps,
  job: SessionJob,
  repo: RepoConfig,
  tickets: Ticket[],
  worktree: string,
  report: SessionReport,
  options: PrOptions = {},
): Promise<SessionResult> {
  const lead = tickets[0]!;
  const base = { repo: repo.name, host: deps.host, run: job.runId };
  const summary = agentSummary(report.finalMessage);
  const template = repo.prTemplate
    ? await readRepoTemplate(worktree, repo.prTemplate, repo.name, 'prTemplate')
    : undefined;
  const bodyInput: PrBodyInput = {
    repo: repo.name,
    tickets,
    tracker: deps.config.tracker.kind,
    branch: job.branch,
    summary,
    diffstat: '',
    checks: report.checks,
    deniedCommands: report.deniedCommands,
    model: job.model,
    attempt: job.attempt,
    tokens: report.record.usage ? Object.values(report.record.usage).reduce((a, b) => a + b, 0) : 0,
    costUsd: report.record.costUsd,
    runIds: [],
    template,
  };
  // Rendered once before anything is pushed: a broken repo PR template must not leave a branch without its PR.
  renderPrBody(bodyInput);
  // Staged when the agent (or its last repair round) finished: see launchAgent.
  await commitAll(await trustedWorktree(deps, repo, worktree), commitMessage(tickets, job.runId, summary), {
    author: deps.config.forge.commitAuthor,
    staged: true,
  });
  const blocked = await gatePush(deps, job, repo, worktree);
  if (blocked) return blocked;
  await deps.forge.pushBranch({
    repo: repo.name,
    remoteUrl: repo.remote,
    // Checked before the push as before the commit: the push carries the token.
    worktreePath: await trustedWorktree(deps, repo, worktree),
    branch: job.branch,
    ...(branchIsNew(job, report.record.execution) ? { expectNew: true } : {}),
  });
  // The lease of any later rewrite of the branch (a rebase when its base moves): only what Nightshift pushed.
  await deps.pushedHeads?.record(repo.name, job.branch, await headCommit(await trustedWorktree(deps, repo, worktree)));
  crashPoint('session-runner.after-push');
  const diffstat = await diffStat(
    await trustedWorktree(deps, repo, worktree),
    `refs/remotes/origin/${repo.baseBranch}`,
  );
  report.record.changes = diffstat.split('\n').at(-1)?.trim() ?? '';
  const rendered = renderPrBody({
    ...bodyInput,
    diffstat,
    runIds: await runsOnBranch(deps, job),
  });
  const body = options.note ? `${rendered}\n\n${options.note}` : rendered;
  const draft = {
    repo: repo.name,
    head: job.branch,
    base: repo.baseBranch,
    title: ticketLine(tickets, MAX_PR_TITLE_CHARS),
    body: redactSecrets(body),
    tickets: tickets.map((t) => t.key),
    ...(options.draft ? { draft: true } : {}),
    ...prAssignment(repo.pr, options.labels),
  };
  const { pr, created, refused } = await deps.forge.findOrCreatePr(draft);
  if (created) {
    await deps.events.append({
      type: 'pr.opened',
      ...base,
      ticket: lead.key,
      // A reviewer GitHub would not take leaves the PR open without them: say so where the operator looks.
      detail: { url: pr.url, number: pr.number, ...(refused?.length ? { refused: refused.join('; ') } : {}) },
    });
  } else if (pr.body !== draft.body || pr.title !== draft.title) {
    // A later session pushed to the same branch: the PR must describe what it now holds.
    // Tickets of the PR that sat this session out (Done, with a human) stay on it.
    const tickets = [...new Set([...draft.tickets, ...pr.tickets])];
    await deps.forge.updatePr(repo.name, pr.number, { title: draft.title, body: draft.body, tickets });
    await deps.events.append({
      type: 'pr.updated',
      ...base,
      ticket: lead.key,
      detail: { url: pr.url, number: pr.number },
    });
  }
  for (const ticket of tickets) {
    await deps.counters.clearInfraErrors(ticket.key);
    // The link first, then the move: whoever sees the ticket in In Review finds its PR on it.
    // Idempotent through the tracker itself: a rerun after a crash does not post the link twice.
    const fresh = await deps.tracker.getTicket(ticket.key);
    const draftNote = options.draft ? ' as a draft: its checks still fail' : '';
    const link =
      fresh && !fresh.comments.some((c) => c.body.includes(pr.url))
        ? `Nightshift opened a pull request${draftNote}: ${pr.url} (run ${job.runId}, model ${job.model}).`
        : null;
    await moveTicket(
      withCrashPoint(deps),
      ticket.key,
      stateFor('in_review', deps.config.tracker.states)!,
      { host: deps.host, run: job.runId },
      link,
    );
  }
  return { outcome: 'success', reason: `PR ${pr.url}`, prUrl: pr.url };
}

/** Runs that pushed to this branch before, oldest first, then this one. */
async function runsOnBranch(deps: SessionDeps, job: SessionJob): Promise<string[]> {
  // Runs are led by one of the tickets on the branch (a batch's follow-up may be led by any of them): read those
  // runs, not the whole run history; records from before runs kept their branch were on their lead's.
  const earlier: RunRecord[] = [];
  for (const ticket of job.tickets)
    for (const r of await deps.runs.ledBy(ticket))
      if (
        r.outcome === 'success' &&
        r.runId !== job.runId &&
        (r.branch ?? branchForTicket(r.tickets[0]!)) === job.branch
      )
        earlier.push(r);
  earlier.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  return [...new Set([...earlier.map((r) => r.runId), job.runId])];
}

/**
 * The session did not produce a PR. Task failures spend an attempt; after the budget the ticket goes
 * to a human with a summary of every attempt. Infrastructure failures spend nothing: the ticket goes
 * back to the queue after a cool-down. A session canceled because a human moved its ticket leaves
 * the ticket where the human put it.
 */
export async function finishFailure(
  deps: SessionDeps,
  job: SessionJob,
  outcome: Outcome,
  reason: string,
  opts: { shuttingDown: boolean; needsHumanNote?: string; denied?: string[] },
): Promise<SessionResult> {
  const states = deps.config.tracker.states;
  const safeReason = redactSecrets(reason);
  if (outcome === 'canceled' && !opts.shuttingDown) return { outcome, reason: safeReason };
  for (const key of job.tickets) {
    // Only an unbroken run of infrastructure failures counts towards routing.maxInfraRetries.
    if (outcome !== 'infra_error') await deps.counters.clearInfraErrors(key);
    if (spendsAttempt(outcome)) {
      const spent = await deps.counters.spendAttempt(key);
      deps.metrics.attemptsSpent.inc({ repo: job.repo, outcome });
      if (
        moveAfterOutcome(outcome, {
          attemptsSpent: spent,
          maxAttempts: deps.config.routing.maxAttempts,
          asksForHuman: opts.needsHumanNote !== undefined,
        }) === 'needs_human'
      ) {
        const note = opts.needsHumanNote ?? `Nightshift gave up after ${spent} attempts; a human needs to look.`;
        // Quotes the agent's final message and output: inert, so none of it mentions, closes or hides anything.
        const summary = inertText(
          redactSecrets(
            `${note}\n\n${await attemptSummary(deps, key, { runId: job.runId, model: job.model, attempt: job.attempt, outcome, reason: safeReason, permissionDenials: opts.denied })}`,
          ),
        );
        await moveTicket(
          withCrashPoint(deps),
          key,
          stateFor('needs_human', states)!,
          { host: deps.host, run: job.runId },
          summary,
        );
        await deps.notifier.notify({ kind: 'needs_human', text: `${key} needs a human: ${note.split('\n')[0]}` });
        continue;
      }
    } else if (outcome === 'infra_error') {
      if (await infraRetryExhausted(deps, job, key, safeReason)) continue;
    } else {
      await deps.counters.coolDown(
        key,
        deps.config.routing.retryDelaySec * 1000,
        `${outcome}: ${safeReason}`.slice(0, 300),
      );
    }
    const ticket = await deps.tracker.getTicket(key);
    // Back to the queue only from In Progress: a human who moved it elsewhere meanwhile decided.
    if (ticket && ticket.state === states.inProgress)
      await moveTicket(withCrashPoint(deps), key, stateFor('back_to_queue', states)!, {
        host: deps.host,
        run: job.runId,
      });
  }
  return { outcome, reason: safeReason };
}

/**
 * One more infrastructure failure in a row: cool down for a doubling delay, or, at
 * routing.maxInfraRetries, tell the ticket why (once per fingerprint) and hand it to a human. No
 * attempt is spent either way. Returns true when the ticket went to Needs Human.
 */
async function infraRetryExhausted(deps: SessionDeps, job: SessionJob, key: string, reason: string): Promise<boolean> {
  const { routing, tracker } = deps.config;
  const ticket = await deps.tracker.getTicket(key);
  const fingerprint = ticket ? infraFingerprint(ticket, deps.config) : 'ticket-gone';
  const streak = await deps.counters.recordInfraError(key, fingerprint);
  const decision = decideInfraRetry(streak, {
    maxInfraRetries: routing.maxInfraRetries,
    retryDelayMs: routing.retryDelaySec * 1000,
  });
  if (decision.kind === 'retry') {
    await deps.counters.coolDown(
      key,
      decision.delayMs,
      `infra_error ${streak}/${routing.maxInfraRetries}: ${reason}`.slice(0, 300),
    );
    return false;
  }
  if (await deps.counters.once(`infra-gave-up:${key}:${fingerprint}`)) {
    const note = `Nightshift stopped retrying after ${streak} infrastructure failures in a row (no attempt was spent). The last one:\n\n> ${reason.split('\n').join('\n> ')}\n\nFix the cause (agent command, configuration, hooks) or edit the ticket, then move it back to ${tracker.states.queue[0]}: moving it back means "try again", and the count of failures starts over.`;
    await deps.tracker.comment(key, inertText(redactSecrets(note)));
    await deps.notifier.notify({
      kind: 'needs_human',
      text: `${key} needs a human: ${streak} infrastructure failures in a row`,
    });
  }
  await moveTicket(withCrashPoint(deps), key, stateFor('needs_human', tracker.states)!, {
    host: deps.host,
    run: job.runId,
  });
  return true;
}

/** One line per attempt: model, outcome, duration and the last lines of output. */
async function attemptSummary(deps: SessionDeps, ticket: string, current: Partial<RunRecord>): Promise<string> {
  const all = (await deps.runs.list(5000)).filter((r) => r.tickets.includes(ticket) && r.outcome);
  const earlier: Array<Partial<RunRecord>> = all.filter((r) => r.runId !== current.runId);
  // This run's record is saved before the ticket moves: its duration and last lines are there.
  const saved = all.findLast((r) => r.runId === current.runId);
  const rows = [...earlier, { ...saved, ...current }].map((r) => {
    const took = typeof r.durationMs === 'number' ? humanDuration(r.durationMs) : 'duration unknown';
    const last = r.lastLines ? `\n  > ${r.lastLines.split('\n').join('\n  > ')}` : '';
    const denied = r.permissionDenials?.length ? `\n  not allowed to run: ${r.permissionDenials.join('; ')}` : '';
    return `- attempt ${r.attempt} · ${r.model} · ${r.outcome} · ${took}: ${r.reason ?? ''}${denied}${last}`;
  });
  return `Attempts:\n${rows.join('\n')}`;
}

/** The tracker and event log moveTicket uses, with crash point `session-runner.after-move` between a move and its event. */
function withCrashPoint(deps: SessionDeps): {
  tracker: SessionDeps['tracker'];
  events: Pick<SessionDeps['events'], 'append'>;
} {
  return {
    tracker: deps.tracker,
    events: {
      append: (event) => {
        crashPoint('session-runner.after-move');
        return deps.events.append(event);
      },
    },
  };
}
