import { FileLockError, type LockFailure } from '@nightshift/file-store';

/** A board lock could not be taken in time, or was lost while held (so the write was not committed). */
export class BoardLockError extends FileLockError {
  override readonly name = 'BoardLockError';

  constructor(lockPath: string, failure: LockFailure, options?: { cause?: unknown }) {
    super('local board', lockPath, failure, options);
  }
}
