/** The tracker refused the credentials (401/403): nothing will work until the token is fixed. */
export class TrackerAuthError extends Error {
  override readonly name = 'TrackerAuthError';

  constructor(
    readonly tracker: string,
    readonly tokenEnv: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${tracker} refused Nightshift's credentials (${detail}): check that ${tokenEnv} holds a valid token with the permissions listed in docs/trackers.md.`,
      options,
    );
  }
}
