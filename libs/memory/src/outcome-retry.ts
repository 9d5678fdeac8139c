import type { BackoffStrategy, JobsOptions } from 'bullmq';

/** The backoff type of outcome jobs; the consolidator's worker computes its delays (`outcomeBackoffStrategy`). */
export const OUTCOME_BACKOFF = 'memory-outcome';
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 60_000;
/** How long an outcome keeps being retried while memory (store, embedder) is away. */
export const OUTCOME_RETRY_HORIZON_MS = 24 * 3_600_000;

/** The wait before retry number `attemptsMade` (1 = after the first failure): 1 s, 2 s, 4 s, … capped at a minute. */
export function outcomeRetryDelayMs(attemptsMade: number): number {
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attemptsMade - 1));
}

/** Enough attempts that the waits between them add up to the horizon. */
function attemptsForHorizon(): number {
  let waited = 0;
  let attempts = 1;
  while (waited < OUTCOME_RETRY_HORIZON_MS) waited += outcomeRetryDelayMs(attempts++);
  return attempts;
}

/**
 * The retry policy of outcome jobs: a lesson waits in Redis through an outage of its store or embedder of up to
 * a day (retried every minute once the first doublings are spent), instead of being dropped after seconds.
 */
export const OUTCOME_JOB_RETRY: Pick<JobsOptions, 'attempts' | 'backoff'> = {
  attempts: attemptsForHorizon(),
  backoff: { type: OUTCOME_BACKOFF },
};

/** The worker's `settings.backoffStrategy` for the outcomes queue. */
export const outcomeBackoffStrategy: BackoffStrategy = (attemptsMade, type) => {
  if (type !== OUTCOME_BACKOFF) throw new Error(`unknown backoff strategy ${String(type)}`);
  return outcomeRetryDelayMs(attemptsMade);
};
