import type { LockFailure } from '@nightshift/file-store';

/** The forge lock could not be taken (held by another process, or not creatable), or was lost while held (so the change was not written). */
export class ForgeLockError extends Error {
  override readonly name = 'ForgeLockError';

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
      return `Could not take the local forge lock ${lockPath}: another process kept holding it. Retry; if no Nightshift process is running, delete that directory.`;
    case 'compromised':
      return `Lost the local forge lock ${lockPath} while holding it (the process stalled past the stale threshold); the change was not written. Retry the operation.`;
    case 'error':
      return `Could not create the local forge lock ${lockPath} (${cause instanceof Error ? cause.message : String(cause)}): check that its directory exists and is writable.`;
  }
}
