import type { NightshiftConfig } from '@nightshift/config';
import type { SessionJob } from '@nightshift/contracts';
import type { RepoSlots } from '@nightshift/state';
import { RequeueJob } from './requeue-job';

/** A slot's lease: renewed every third of it while the session runs, so a dead runner's slot frees within it. */
export const REPO_SLOT_LEASE_MS = 60_000;
/** How soon a session held back by its repo's cap tries again. */
const RETRY_MS = 1000;

/**
 * Runs `session` holding one of its repo's `maxConcurrent` slots (shared by every host through Redis).
 * When the repo is at its cap, throws RequeueJob: the job waits and retries, nothing is spent.
 */
export async function withRepoSlot<T>(slots: RepoSlots, config: NightshiftConfig, job: SessionJob, session: () => Promise<T>): Promise<T> {
  const max = config.repos.find((r) => r.name === job.repo)?.maxConcurrent;
  if (max === undefined) return session();
  if (!(await slots.acquire(job.repo, job.runId, max, REPO_SLOT_LEASE_MS))) {
    throw new RequeueJob(RETRY_MS, false, `repo ${job.repo} already runs ${max} session(s) (repos[].maxConcurrent); waiting for a slot`, true);
  }
  const renew = setInterval(() => void slots.renew(job.repo, job.runId, REPO_SLOT_LEASE_MS).catch(() => undefined), REPO_SLOT_LEASE_MS / 3);
  try {
    return await session();
  } finally {
    clearInterval(renew);
    await slots.release(job.repo, job.runId).catch(() => undefined);
  }
}
