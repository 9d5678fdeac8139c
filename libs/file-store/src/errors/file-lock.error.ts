import type { LockFailure } from '../file-lock';

/**
 * A store's file lock could not be taken (held by another process, or not creatable), or was lost
 * while held (so the change was not written). Stores subclass it to name themselves.
 */
export class FileLockError extends Error {
  override readonly name: string = 'FileLockError';

  constructor(
    /** What the lock guards, for the message: "local board", "local forge". */
    readonly store: string,
    readonly lockPath: string,
    readonly failure: LockFailure,
    options?: { cause?: unknown },
  ) {
    super(lockMessage(store, lockPath, failure, options?.cause), options);
  }
}

function lockMessage(store: string, lockPath: string, failure: LockFailure, cause: unknown): string {
  switch (failure) {
    case 'timeout':
      return `Could not take the ${store} lock ${lockPath}: another process kept holding it. Retry; if no Nightshift process is running, delete that directory.`;
    case 'compromised':
      return `Lost the ${store} lock ${lockPath} while holding it (the process stalled past the stale threshold); the change was not written. Retry the operation.`;
    case 'error':
      return `Could not create the ${store} lock ${lockPath} (${cause instanceof Error ? cause.message : String(cause)}): check that its directory exists and is writable.`;
  }
}
