/** No pull request with that number exists for that repo on the local forge. */
export class PullRequestNotFoundError extends Error {
  override readonly name = 'PullRequestNotFoundError';

  constructor(
    readonly repo: string,
    readonly number: number,
  ) {
    super(
      `Pull request #${number} of repo ${JSON.stringify(repo)} does not exist on the local forge: check the repo and number (list the PRs to see valid ones).`,
    );
  }
}
