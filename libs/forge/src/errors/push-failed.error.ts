/** `git push` of a ticket branch failed; the message carries git's own explanation. */
export class PushFailedError extends Error {
  override readonly name = 'PushFailedError';
  /** A push pinned to the commit Nightshift last pushed was refused: someone else pushed to the branch since. */
  readonly leaseRefused: boolean;

  constructor(
    readonly repo: string,
    readonly branch: string,
    /** The remote with any credentials stripped, safe to log. */
    readonly remote: string,
    readonly gitOutput: string,
    options?: { cause?: unknown; leaseRefused?: boolean },
  ) {
    super(
      `Pushing branch ${branch} of repo ${repo} to ${remote} failed: ${gitOutput.trim() || 'git gave no output'}. ` +
        'Check that the remote exists and accepts pushes from this host, then retry.',
      options,
    );
    this.leaseRefused = options?.leaseRefused === true;
  }
}
