/** Nightshift's Redis cannot be reached: the CLI prints this one line, never a client stack trace. */
export class NotRunningError extends Error {
  override readonly name = 'NotRunningError';

  constructor(what: string) {
    super(`Nightshift is not running (${what}): start it with "nightshift up"`);
  }
}
