import { addUsage } from '@nightshift/agent';
import type { AccountConfig, RepoConfig } from '@nightshift/config';
import type { RunRecord, SessionJob } from '@nightshift/contracts';
import type { Ticket } from '@nightshift/domain';

import type { RepairSection } from './build-prompt';
import { type AgentIdentity, type AgentSession, launchAgent } from './launch-agent';
import { type CheckOutcome, runChecks } from './run-checks';
import type { SessionDeps } from './session-deps';

/** What the checks said after the repairs, or the repair session that ended some other way. */
export interface VerifiedWork {
  /** Checks still failing after the last round; empty when all pass (or the repo has none). */
  failing: CheckOutcome[];
  repairs: number;
  /** A repair session that did not succeed (rate limit, cancel, crash…): the caller handles it as the session's verdict. */
  interrupted?: AgentSession;
}

export interface RepairContext {
  job: SessionJob;
  repo: RepoConfig;
  account: AccountConfig;
  tickets: Ticket[];
  worktree: string;
  abort: AbortController;
  /** The run's record: each repair session's cost and tokens are added to it. */
  record: RunRecord;
  /** How the reaper recognises the repair session's agent (the same session as the first launch). */
  identity: AgentIdentity;
}

/**
 * The test gate: runs the repo's checks on the agent's work; while some fail and repair rounds are
 * left (`repairAttempts`), the agent gets the failing output on the same worktree and branch, then
 * the checks run again. The caller decides what a still-failing result means (draft PR or Needs Human).
 */
export async function verifyWithRepairs(deps: SessionDeps, ctx: RepairContext): Promise<VerifiedWork> {
  const { job, repo } = ctx;
  if (repo.checks.length === 0) return { failing: [], repairs: 0 };
  let failing = failed(await runChecks(deps, job, repo, ctx.worktree, 0));
  let repairs = 0;
  while (failing.length > 0 && repairs < repo.repairAttempts) {
    repairs += 1;
    await deps.events.append({
      type: 'repair.started',
      repo: repo.name,
      host: deps.host,
      run: job.runId,
      ticket: job.tickets[0],
      detail: { round: repairs, of: repo.repairAttempts, checks: failing.map((c) => c.name).join(',') },
    });
    const session = await launchAgent(
      deps,
      job,
      repo,
      ctx.account,
      ctx.tickets,
      ctx.worktree,
      ctx.abort,
      ctx.identity,
      [],
      repairPrompt(failing, repairs, repo.repairAttempts),
    );
    addSpend(ctx.record, session);
    if (session.verdict.outcome !== 'success') return { failing, repairs, interrupted: session };
    failing = failed(await runChecks(deps, job, repo, ctx.worktree, repairs));
  }
  return { failing, repairs };
}

/** The section added to the agent's prompt for a repair round: which checks failed (instructions) and the tail of their output (data). */
export function repairPrompt(failing: CheckOutcome[], round: number, of: number): RepairSection {
  const instructions = [
    `Nightshift ran the repository's checks on your changes and ${failing.length === 1 ? 'one failed' : `${failing.length} failed`} (repair round ${round} of ${of}).`,
    'Fix the code so they pass. Do not weaken, skip or delete the checks. Their output is quoted below.',
  ].join('\n');
  const parts: string[] = [];
  for (const check of failing) {
    const how =
      check.outcome === 'timed_out'
        ? 'timed out'
        : check.exitCode === null
          ? 'did not run'
          : `exit code ${check.exitCode}`;
    parts.push(
      `Check "${check.name}" (${how}), last lines of its output:`,
      '```',
      check.outputTail.trimEnd(),
      '```',
      '',
    );
  }
  return { instructions, output: parts.join('\n') };
}

/** The note on a PR (or ticket) whose checks still fail after the repairs. */
export function failingChecksNote(work: VerifiedWork): string {
  const names = work.failing.map((c) => `\`${c.name}\``).join(', ');
  return `Checks still failing after ${work.repairs} repair round${work.repairs === 1 ? '' : 's'}: ${names}.\n\n${work.failing.map((c) => `${c.name}:\n\`\`\`\n${c.outputTail.trimEnd().slice(-1500)}\n\`\`\``).join('\n\n')}`;
}

function failed(outcomes: CheckOutcome[]): CheckOutcome[] {
  return outcomes.filter((c) => c.outcome !== 'passed');
}

function addSpend(record: RunRecord, session: AgentSession): void {
  const { costUsd, usage } = session.run;
  if (typeof costUsd === 'number') record.costUsd = (record.costUsd ?? 0) + costUsd;
  record.usage = record.usage ? addUsage(record.usage, usage) : usage;
}
