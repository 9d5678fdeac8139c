import type { Redis } from 'ioredis';

import { KEY } from './keys';

/** Channel on which reconciliation asks the runner holding a session to stop it. */
export const CANCEL_CHANNEL = 'nightshift:cancel';

export interface CancelRequest {
  runId: string;
  /** `terminal`: the ticket is done, drop the worktree; `inactive`: keep the worktree for a human. */
  reason: 'terminal' | 'inactive';
  state: string;
}

/** Publishes a cancel request to whichever runner holds `runId`. */
export async function requestCancel(redis: Redis, request: CancelRequest): Promise<void> {
  await redis.publish(CANCEL_CHANNEL, JSON.stringify(request));
}

/**
 * Publishes a cancel request for a run unless one was published for it within `ttlSec`. Reconciliation
 * runs after every scan, and a session stays listed while its runner finishes (PR, ticket move,
 * worktree removal): its run is asked, and the ask logged, once rather than once per scan, whichever
 * scanner sees it first. After `ttlSec` a session still listed is asked again. Returns whether it asked.
 */
export async function requestCancelOnce(redis: Redis, request: CancelRequest, ttlSec = 3600): Promise<boolean> {
  const fresh = (await redis.set(KEY.cancelAsked(request.runId), request.reason, 'EX', ttlSec, 'NX')) === 'OK';
  if (fresh) await requestCancel(redis, request);
  return fresh;
}
