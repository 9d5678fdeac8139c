/** A secret the config points at (by environment variable name) is not in the environment. */
export class MissingSecretError extends Error {
  override readonly name = 'MissingSecretError';

  constructor(
    readonly envName: string,
    readonly setting: string,
  ) {
    super(
      `The environment variable ${envName} (named by ${setting} in nightshift.yaml) is not set or empty: export the token there before starting Nightshift.`,
    );
  }
}
