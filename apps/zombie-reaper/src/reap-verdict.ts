import type { ReapReason } from '@nightshift/fleet';
import type { LiveSession } from '@nightshift/state';

/** What the reaper knows of a session's job: its BullMQ state and how many times it was started. */
export interface JobFacts {
  state: string;
  attemptsStarted: number;
}

/** BullMQ states in which a session job will still run (again): its worktree and claim are kept for it. */
export const PENDING_JOB_STATES = new Set(['waiting', 'delayed', 'prioritized', 'active', 'waiting-children']);

/**
 * Whether a session registered on this host must be reaped, and why; null = leave it. A session whose runner
 * is gone (pid dead or reused: start time differs) is reaped at once; a live runner's session only when past
 * its deadline, or when its job is no longer active for this execution (stalled away, completed, superseded).
 */
export function reapVerdict(input: {
  session: LiveSession;
  runnerAlive: boolean;
  job: JobFacts | null | undefined;
  nowMs: number;
}): ReapReason | null {
  const { session, runnerAlive, job, nowMs } = input;
  if (!runnerAlive) return 'runner_gone';
  if (session.deadline && Date.parse(session.deadline) < nowMs) return 'deadline';
  // undefined: the entry names no job (written by an older runner); nothing to compare with.
  if (job === undefined) return null;
  if (job === null || job.state !== 'active') return 'job_inactive';
  if (job.attemptsStarted > (session.execution ?? 1)) return 'job_inactive';
  return null;
}
