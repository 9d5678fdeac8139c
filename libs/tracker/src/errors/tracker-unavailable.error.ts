/** The tracker could not be reached or answered with a server error (5xx); retrying later is the remedy. */
export class TrackerUnavailableError extends Error {
  override readonly name = 'TrackerUnavailableError';

  constructor(
    readonly tracker: string,
    readonly status: number | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${tracker} is unavailable (${status ? `HTTP ${status}` : 'no answer'}: ${detail}); the next tick retries, nothing is lost.`,
      options,
    );
  }
}
