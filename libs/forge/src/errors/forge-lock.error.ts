import { FileLockError, type LockFailure } from '@nightshift/file-store';

/** The forge lock could not be taken (held by another process, or not creatable), or was lost while held (so the change was not written). */
export class ForgeLockError extends FileLockError {
  override readonly name = 'ForgeLockError';

  constructor(lockPath: string, failure: LockFailure, options?: { cause?: unknown }) {
    super('local forge', lockPath, failure, options);
  }
}
