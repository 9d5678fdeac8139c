import { setTimeout as delay } from 'node:timers/promises';

import { groupMembers } from './process-identity';

/** Sends a signal to every process of a group; false when that was not possible (gone, or not ours). */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * True while some process of the group is still running. Zombies do not count: under a PID 1 that never reaps
 * (some containers), killed grandchildren linger as zombies and `kill(-pgid, 0)` keeps succeeding for them.
 */
export function groupIsAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return process.platform === 'linux' ? groupMembers(pgid).length > 0 : true;
}

/** Polls until the group has no live member or `timeoutMs` passes; true when it is gone. */
export async function waitForGroupGone(pgid: number, timeoutMs: number, pollMs = 25): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupIsAlive(pgid)) {
    if (Date.now() >= deadline) return false;
    await delay(pollMs);
  }
  return true;
}

/** SIGTERM to the whole group, SIGKILL after `graceMs` if anything survives; resolves once the group is gone. */
export async function terminateGroup(pgid: number, graceMs: number): Promise<boolean> {
  if (!groupIsAlive(pgid)) return true;
  signalGroup(pgid, 'SIGTERM');
  if (await waitForGroupGone(pgid, graceMs)) return true;
  signalGroup(pgid, 'SIGKILL');
  return waitForGroupGone(pgid, 2000);
}
