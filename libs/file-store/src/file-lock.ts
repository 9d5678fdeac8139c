import { lock } from 'proper-lockfile';

/** How long to wait for a lock and when a lock left by a dead process counts as abandoned. */
export interface FileLockTiming {
  /** A lock whose heartbeat (mtime) is older than this is taken over. proper-lockfile's minimum is 2000. */
  staleMs?: number;
  /** Give up waiting after this long. Must exceed staleMs so an abandoned lock is always recovered. */
  maxWaitMs?: number;
}

/** timeout: someone else kept the lock; compromised: ours went stale while held; error: the lock could not be created at all. */
export type LockFailure = 'timeout' | 'compromised' | 'error';

/** Lets the holder check, right before committing a write, that the lock was not lost meanwhile. */
export interface LockLease {
  assertHeld(): void;
}

const DEFAULT_STALE_MS = 10_000;

/**
 * Runs `fn` while holding the cross-process lock `lockPath` (a directory created with mkdir and
 * kept fresh by a heartbeat: proper-lockfile's scheme, so a crashed holder's lock goes stale and
 * is taken over instead of blocking the board forever).
 */
export async function withFileLock<T>(
  lockPath: string,
  timing: FileLockTiming,
  makeError: (lockPath: string, failure: LockFailure, cause: unknown) => Error,
  fn: (lease: LockLease) => Promise<T>,
): Promise<T> {
  const staleMs = Math.max(timing.staleMs ?? DEFAULT_STALE_MS, 2000);
  const maxWaitMs = timing.maxWaitMs ?? staleMs * 3;
  let lostWith: unknown;
  let release: () => Promise<void>;
  try {
    release = await lock(lockPath, {
      lockfilePath: lockPath,
      realpath: false,
      stale: staleMs,
      // `retry` precomputes (and sorts) every delay, so the count is sized to the wait, not set huge;
      // maxRetryTime is what actually bounds the wait.
      retries: {
        retries: Math.ceil(maxWaitMs / 100) + 20,
        factor: 1.3,
        minTimeout: 5,
        maxTimeout: 100,
        randomize: true,
        maxRetryTime: maxWaitMs,
      },
      // The default throws from a timer and kills the process; record it and fail the write instead.
      onCompromised: (err) => {
        lostWith = err;
      },
    });
  } catch (err) {
    const held = (err as NodeJS.ErrnoException).code === 'ELOCKED';
    throw makeError(lockPath, held ? 'timeout' : 'error', err);
  }
  const lease: LockLease = {
    assertHeld() {
      if (lostWith !== undefined) throw makeError(lockPath, 'compromised', lostWith);
    },
  };
  try {
    return await fn(lease);
  } finally {
    if (lostWith === undefined) await release().catch(() => undefined);
  }
}
