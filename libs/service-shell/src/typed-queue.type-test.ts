// Compiled by `npm run build` (tsconfig.spec.json), never run: each @ts-expect-error must stay an error
// (an unused one fails the build), so a worker or client that drifts from the contracts' job table does not compile.
import type { SessionJob, SessionResult, WorktreeResult } from '@nightshift/contracts';
import type { Redis } from 'ioredis';

import { createJobQueue, jobDispatcher, type JobHandlers, type TypedJob } from './typed-queue';

declare const connection: Redis;
declare const sessionJob: SessionJob;
declare const sessionResult: SessionResult;
declare const worktreeResult: WorktreeResult;

/** Compiles: each handler takes its own payload and returns its own result. */
export const rightWorker = jobDispatcher('worktree', 'worktree.h1', {
  'worktree.create': async (job) => ({ ...worktreeResult, path: job.data.worktreeKey }),
  'worktree.remove': async () => worktreeResult,
});

export const wrongPayload: JobHandlers<'session'> = {
  // @ts-expect-error a session.run handler receives a SessionJob, not a WorktreeJob
  'session.run': async (job: TypedJob<'worktree.create'>) => ({ ...sessionResult, reason: job.data.worktreeKey }),
};

export const wrongResult: JobHandlers<'session'> = {
  // @ts-expect-error a session.run handler returns a SessionResult, not a WorktreeResult
  'session.run': async (): Promise<WorktreeResult> => worktreeResult,
};

// @ts-expect-error a worktree worker must handle worktree.remove too
export const missingHandler = jobDispatcher('worktree', 'worktree.h1', {
  'worktree.create': async () => worktreeResult,
});

export async function typedClient(): Promise<SessionResult | undefined> {
  const sessions = createJobQueue('session', 'session.linux', { connection });
  // @ts-expect-error a session queue carries only session.run
  await sessions.add('worktree.create', sessionJob);
  // @ts-expect-error session.run carries a SessionJob
  await sessions.add('session.run', { runId: 'r' });
  const job = await sessions.add('session.run', sessionJob);
  return job.returnvalue;
}
