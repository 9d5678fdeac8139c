import type { RunStore } from '@nightshift/state';

export interface FastFailPolicy {
  ratio: number;
  minSessions: number;
  windowMs: number;
}

/**
 * Whether intake should pause: more than `ratio` of the sessions started within the last window
 * (one scan cycle) fast-failed, counting only once `minSessions` of them have ended. Something is
 * wrong with the machine or the account, and starting more would only burn through the queue.
 */
export async function fastFailStorm(runs: RunStore, policy: FastFailPolicy, now = Date.now()): Promise<{ storm: boolean; ratio: number; ended: number }> {
  // Only the window's runs are read (by start time), not the last 500 parsed on every scan.
  const recent = (await runs.since(now - policy.windowMs, 500)).filter((r) => r.outcome);
  const fast = recent.filter((r) => r.outcome === 'fast_fail').length;
  const ratio = recent.length === 0 ? 0 : fast / recent.length;
  return { storm: recent.length >= policy.minSessions && ratio > policy.ratio, ratio, ended: recent.length };
}
