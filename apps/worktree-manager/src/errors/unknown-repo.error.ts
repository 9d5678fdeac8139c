/** A job named a repo this host's config does not have. */
export class UnknownRepoError extends Error {
  override readonly name = 'UnknownRepoError';
  constructor(
    readonly repo: string,
    configFile: string,
  ) {
    super(
      `repo "${repo}" is not in ${configFile}: add it under repos, or restart the worktree-manager after editing the config`,
    );
  }
}
