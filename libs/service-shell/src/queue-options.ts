import type { DefaultJobOptions } from 'bullmq';

/**
 * Jobs are removed when done: the deterministic job id then dedupes only while a ticket is waiting or
 * being worked, and the same ticket can come back later (a retry) without being refused forever.
 * Durable history lives in the event stream and the run store, not in finished jobs.
 */
export const JOB_DEFAULTS: DefaultJobOptions = {
  removeOnComplete: true,
  removeOnFail: { count: 1000 },
  attempts: 1,
};

/**
 * Intake jobs retry a tracker hiccup a few times, then vanish: a failed job kept under its
 * deterministic id would refuse that ticket's next intake forever. The next scan offers it again.
 */
export const INTAKE_JOB_DEFAULTS: DefaultJobOptions = {
  removeOnComplete: true,
  removeOnFail: true,
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
};
