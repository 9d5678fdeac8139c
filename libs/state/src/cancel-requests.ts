import type { Redis } from 'ioredis';

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
