import type { SessionJob } from '@nightshift/contracts';

/**
 * True when no earlier run can have pushed the job's branch: the lead ticket's first launch (the router's
 * count), the job's first execution (a redelivery after a crash may follow a push), not a follow-up. The
 * worktree then starts from the base without asking the remote (one `ls-remote` per ticket saved), and the
 * push insists the branch is still absent: a branch that exists anyway (a person's, or one left from before
 * the counters were lost) is never overwritten; the push fails and the next launch continues that branch.
 */
export function branchIsNew(job: SessionJob, execution: number | undefined): boolean {
  return job.firstLaunch === true && !job.followUp && (execution ?? 1) === 1;
}
