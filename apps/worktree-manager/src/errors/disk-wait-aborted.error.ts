/** A create that was waiting for the disk budget was abandoned because the worktree-manager is shutting down. */
export class DiskWaitAbortedError extends Error {
  override readonly name = 'DiskWaitAbortedError';
}
