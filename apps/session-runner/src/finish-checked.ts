import type { RepoConfig } from '@nightshift/config';
import type { SessionJob, SessionResult } from '@nightshift/contracts';
import type { Ticket } from '@nightshift/domain';
import { finishFailure, finishSuccess } from './finish-session';
import { failingChecksNote, type VerifiedWork } from './repair-loop';
import type { SessionDeps } from './session-deps';

/** The label a PR gets when it is opened with checks still failing. */
export const CHECKS_FAILING_LABEL = 'checks-failing';

/**
 * A successful session after the test gate: checks passing (or none) → the PR as usual; still failing
 * after the repairs → a draft PR labelled checks-failing, or (onChecksFailing: needs-human) no PR and
 * the ticket goes to a human with the failing output, spending an attempt.
 */
export async function finishChecked(deps: SessionDeps, job: SessionJob, repo: RepoConfig, tickets: Ticket[], worktree: string, work: VerifiedWork | undefined, denied: string[] = []): Promise<SessionResult> {
  if (!work || work.failing.length === 0) return finishSuccess(deps, job, repo, tickets, worktree, denied);
  const note = failingChecksNote(work);
  if (repo.onChecksFailing === 'draft') {
    const result = await finishSuccess(deps, job, repo, tickets, worktree, denied, { draft: true, labels: [CHECKS_FAILING_LABEL], note });
    return { ...result, reason: `${result.reason} (draft: checks failing: ${work.failing.map((c) => c.name).join(', ')})` };
  }
  const reason = `checks failing after ${work.repairs} repair rounds: ${work.failing.map((c) => c.name).join(', ')}`;
  return finishFailure(deps, job, 'task_failed', reason, { shuttingDown: false, needsHumanNote: `Nightshift did not open a pull request. ${note}`, denied });
}
