import type { RepoConfig } from '@nightshift/config';
import type { SessionJob, SessionResult } from '@nightshift/contracts';
import type { Ticket } from '@nightshift/domain';

import { finishFailure, finishSuccess, type SessionReport } from './finish-session';
import { failingChecksNote, type VerifiedWork } from './repair-loop';
import type { SessionDeps } from './session-deps';

/** The label a PR gets when it is opened with checks still failing. */
export const CHECKS_FAILING_LABEL = 'checks-failing';

/**
 * A successful session after the test gate: checks passing (or none) → the PR as usual; still failing
 * after the repairs → a draft PR labelled checks-failing, or (onChecksFailing: needs-human) no PR and
 * the ticket goes to a human with the failing output, spending an attempt.
 */
export async function finishChecked(
  deps: SessionDeps,
  job: SessionJob,
  repo: RepoConfig,
  tickets: Ticket[],
  worktree: string,
  work: VerifiedWork | undefined,
  session: SessionReport,
): Promise<SessionResult> {
  const report = { ...session, checks: checkLines(repo, work) };
  const denied = session.deniedCommands;
  if (!work || work.failing.length === 0) return finishSuccess(deps, job, repo, tickets, worktree, report);
  const note = failingChecksNote(work);
  if (repo.onChecksFailing === 'draft') {
    const result = await finishSuccess(deps, job, repo, tickets, worktree, report, {
      draft: true,
      labels: [CHECKS_FAILING_LABEL],
      note,
    });
    return {
      ...result,
      reason: `${result.reason} (draft: checks failing: ${work.failing.map((c) => c.name).join(', ')})`,
    };
  }
  const reason = `checks failing after ${work.repairs} repair rounds: ${work.failing.map((c) => c.name).join(', ')}`;
  return finishFailure(deps, job, 'task_failed', reason, {
    shuttingDown: false,
    needsHumanNote: `Nightshift did not open a pull request. ${note}`,
    denied,
  });
}

/** One line per declared check for the PR body: how it ended after the repair rounds. */
function checkLines(repo: RepoConfig, work: VerifiedWork | undefined): string[] {
  if (!work || repo.checks.length === 0) return [];
  const failing = new Set(work.failing.map((c) => c.name));
  const rounds = work.repairs === 0 ? '' : ` (after ${work.repairs} repair round${work.repairs === 1 ? '' : 's'})`;
  return repo.checks.map((c) => `\`${c.name}\`: ${failing.has(c.name) ? 'failing' : 'passed'}${rounds}`);
}
