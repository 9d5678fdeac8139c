/** The base branch a new worktree should start from does not exist on the remote. */
export class BaseBranchMissingError extends Error {
  override readonly name = 'BaseBranchMissingError';
  constructor(
    readonly repo: string,
    readonly baseBranch: string,
  ) {
    super(
      `repo ${repo} has no branch ${baseBranch} on its remote (refs/remotes/origin/${baseBranch} missing after fetch): ` +
        'fix the base branch in the repo config or push it to the remote',
    );
  }
}
