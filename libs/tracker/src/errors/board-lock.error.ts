import type { LockFailure } from '@nightshift/file-store';

/** A board lock could not be taken in time, or was lost while held (so the write was not committed). */
export class BoardLockError extends Error {
  override readonly name = 'BoardLockError';

  constructor(
    readonly lockPath: string,
    readonly failure: LockFailure,
    options?: { cause?: unknown },
  ) {
    super(message(lockPath, failure, options?.cause), options);
  }
}

function message(lockPath: string, failure: LockFailure, cause: unknown): string {
  switch (failure) {
    case 'timeout':
      return `Could not take the local board lock ${lockPath}: another process kept holding it. Retry; if no Nightshift process is running, delete that directory.`;
    case 'compromised':
      return `Lost the local board lock ${lockPath} while holding it (the process stalled past the stale threshold); the change was not written. Retry the operation.`;
    case 'error':
      return `Could not create the local board lock ${lockPath} (${cause instanceof Error ? cause.message : String(cause)}): check that its directory exists and is writable.`;
  }
}
