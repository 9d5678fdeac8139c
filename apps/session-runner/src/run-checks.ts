import type { RepoCheckConfig, RepoConfig } from '@nightshift/config';
import type { SessionJob } from '@nightshift/contracts';
import { HookFailedError, hookEnv, runHook } from '@nightshift/git';
import { redactSecrets } from '@nightshift/domain';
import path from 'node:path';
import type { SessionDeps } from './session-deps';

/** How one check ended; `outputTail` is redacted and bounded, fit for a prompt or a PR body. */
export interface CheckOutcome {
  name: string;
  outcome: 'passed' | 'failed' | 'timed_out';
  durationMs: number;
  exitCode: number | null;
  outputTail: string;
}

const CHECK_OUTPUT_BYTES = 3000;

/**
 * Runs every check of the repo in the worktree (argv, own process group, killed at its timeout) and
 * appends one `check.finished` event per check. All checks run even after a failure, so the agent
 * sees every failing one in a single repair round.
 */
export async function runChecks(deps: SessionDeps, job: SessionJob, repo: RepoConfig, worktree: string, round: number): Promise<CheckOutcome[]> {
  const worktreeKey = path.basename(worktree);
  const env = hookEnv({ repo: repo.name, branch: job.branch, runId: job.runId, worktreeKey });
  const base = { repo: repo.name, host: deps.host, run: job.runId, ticket: job.tickets[0] };
  const outcomes: CheckOutcome[] = [];
  for (const check of repo.checks) {
    const outcome = await runOne(check, { cwd: worktree, root: deps.config.paths.worktrees, worktreeKey, env });
    outcomes.push(outcome);
    const detail = { name: check.name, outcome: outcome.outcome, durationMs: outcome.durationMs, round, ...(outcome.exitCode === null ? {} : { exitCode: outcome.exitCode }) };
    await deps.events.append({ type: 'check.finished', ...base, detail });
  }
  return outcomes;
}

async function runOne(check: RepoCheckConfig, where: { cwd: string; root: string; worktreeKey: string; env: Record<string, string> }): Promise<CheckOutcome> {
  const started = Date.now();
  try {
    const done = await runHook('check', check.argv, { ...where, timeoutMs: check.timeoutSec * 1000, maxOutputBytes: CHECK_OUTPUT_BYTES });
    return { name: check.name, outcome: 'passed', durationMs: done.durationMs, exitCode: 0, outputTail: redactSecrets(done.outputTail) };
  } catch (err) {
    if (!(err instanceof HookFailedError)) throw err;
    // A check that cannot start is reported to the agent like any failure: its message says what is wrong.
    const output = err.outputTail.trim() || err.message;
    return { name: check.name, outcome: err.timedOut ? 'timed_out' : 'failed', durationMs: Date.now() - started, exitCode: err.exitCode, outputTail: redactSecrets(output) };
  }
}
