import type { SessionJob } from '@nightshift/contracts';
import type { RepoSlots } from '@nightshift/state';

import { RequeueJob } from './requeue-job';
import type { SessionDeps } from './session-deps';

/** A slot's lease: renewed every third of it while the session runs, so a dead runner's slot frees within it. */
export const REPO_SLOT_LEASE_MS = 60_000;
/** How soon a session held back by its repo's cap tries again. */
const RETRY_MS = 1000;

/**
 * Runs `session` holding one of its repo's `maxConcurrent` slots (shared by every host through Redis).
 * When the repo is at its cap, throws RequeueJob: the job waits and retries, nothing is spent; the
 * first wait of a run is recorded as a `session.waiting` event (not every retry).
 */
export async function withRepoSlot<T>(
  slots: RepoSlots,
  deps: Pick<SessionDeps, 'config' | 'events' | 'counters' | 'host'>,
  job: SessionJob,
  session: () => Promise<T>,
): Promise<T> {
  const max = deps.config.repos.find((r) => r.name === job.repo)?.maxConcurrent;
  if (max === undefined) return session();
  if (!(await slots.acquire(job.repo, job.runId, max, REPO_SLOT_LEASE_MS))) {
    const reason = `repo ${job.repo} already runs ${max} session(s) (repos[].maxConcurrent); waiting for a slot`;
    if (await deps.counters.once(`repo-slot-wait:${job.runId}`)) {
      await deps.events.append({
        type: 'session.waiting',
        repo: job.repo,
        host: deps.host,
        run: job.runId,
        ticket: job.tickets[0],
        detail: { reason, holders: (await slots.holders(job.repo)).join(',') },
      });
    }
    throw new RequeueJob(RETRY_MS, false, reason, true);
  }
  const renew = setInterval(
    () => void slots.renew(job.repo, job.runId, REPO_SLOT_LEASE_MS).catch(() => undefined),
    REPO_SLOT_LEASE_MS / 3,
  );
  try {
    return await session();
  } finally {
    clearInterval(renew);
    await slots.release(job.repo, job.runId).catch(() => undefined);
  }
}
