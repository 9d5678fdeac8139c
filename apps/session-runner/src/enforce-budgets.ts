import type { RunRecord } from '@nightshift/contracts';
import { budgetsReached } from '@nightshift/domain';
import { pauseScope } from '@nightshift/pause-policy';

import type { SessionDeps } from './session-deps';

// Enough history for a ticket's total and a day of runs on a busy install.
const RUNS_CONSIDERED = 5000;

/**
 * After a run's cost is stored: every budget cap its tickets, repo or account has reached pauses
 * that scope (event + notification, once): the router starts no session for a paused ticket or repo,
 * and no session is given to a paused account. Daily caps end at UTC midnight; a ticket's needs a human.
 */
export async function enforceBudgets(deps: SessionDeps, record: RunRecord): Promise<void> {
  const { budgets } = deps.config;
  if (
    budgets.perTicketUsd === undefined &&
    budgets.perRepoDailyUsd === undefined &&
    budgets.perAccountDailyUsd === undefined
  )
    return;
  const runs = await deps.runs.list(RUNS_CONSIDERED);
  for (const hit of budgetsReached(budgets, runs, {
    tickets: record.tickets,
    repo: record.repo,
    account: record.account,
  })) {
    await pauseScope(deps, hit.scope, hit.until, hit.reason, deps.host, 'budget');
  }
}
