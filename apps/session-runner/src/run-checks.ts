import { randomBytes } from 'node:crypto';
import path from 'node:path';

import { agentEnv, type RepoCheckConfig, type RepoConfig, resolveSandboxMode } from '@nightshift/config';
import type { SessionJob } from '@nightshift/contracts';
import { redactSecrets } from '@nightshift/domain';
import { hookEnv, HookFailedError, type HookSpawnLayer, runHook } from '@nightshift/git';

import type { SessionDeps } from './session-deps';
import { openSessionSandbox } from './session-sandbox';

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
export async function runChecks(
  deps: SessionDeps,
  job: SessionJob,
  repo: RepoConfig,
  worktree: string,
  round: number,
): Promise<CheckOutcome[]> {
  const worktreeKey = path.basename(worktree);
  // The checks run what the agent wrote: they get the agent's environment, never the runner's.
  const env = {
    ...agentEnv({ config: deps.config, repo }),
    ...hookEnv({ repo: repo.name, branch: job.branch, runId: job.runId, worktreeKey }),
  };
  const base = { repo: repo.name, host: deps.host, run: job.runId, ticket: job.tickets[0] };
  const outcomes: CheckOutcome[] = [];
  // A sandboxed repo's checks run repo code too: in its sandbox (no credentials), each in a container of its own.
  const box = sandboxed(deps, repo)
    ? await openSessionSandbox(
        deps,
        repo,
        worktree,
        `${job.runId}#checks-${round}-${randomBytes(3).toString('hex')}`,
        null,
      )
    : undefined;
  try {
    for (const check of repo.checks) {
      const where = { cwd: worktree, root: deps.config.paths.worktrees, worktreeKey, env };
      const outcome = await runOne(check, box ? { ...where, sandbox: box.hookLayer } : where);
      outcomes.push(outcome);
      const detail = {
        name: check.name,
        outcome: outcome.outcome,
        durationMs: outcome.durationMs,
        round,
        ...(outcome.exitCode === null ? {} : { exitCode: outcome.exitCode }),
      };
      await deps.events.append({ type: 'check.finished', ...base, detail });
    }
  } finally {
    await box?.close();
  }
  return outcomes;
}

function sandboxed(deps: SessionDeps, repo: RepoConfig): boolean {
  return resolveSandboxMode(deps.config, deps.host, repo) === 'podman';
}

async function runOne(
  check: RepoCheckConfig,
  where: { cwd: string; root: string; worktreeKey: string; env: Record<string, string>; sandbox?: HookSpawnLayer },
): Promise<CheckOutcome> {
  const started = Date.now();
  try {
    const done = await runHook('check', check.argv, {
      ...where,
      timeoutMs: check.timeoutSec * 1000,
      maxOutputBytes: CHECK_OUTPUT_BYTES,
    });
    return {
      name: check.name,
      outcome: 'passed',
      durationMs: done.durationMs,
      exitCode: 0,
      outputTail: redactSecrets(done.outputTail),
    };
  } catch (err) {
    if (!(err instanceof HookFailedError)) throw err;
    // A check that cannot start is reported to the agent like any failure: its message says what is wrong.
    const output = err.outputTail.trim() || err.message;
    return {
      name: check.name,
      outcome: err.timedOut ? 'timed_out' : 'failed',
      durationMs: Date.now() - started,
      exitCode: err.exitCode,
      outputTail: redactSecrets(output),
    };
  }
}
