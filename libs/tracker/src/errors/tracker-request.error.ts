/** The tracker rejected a request as invalid (bad state name, unknown ticket, validation error): retrying the same will not help. */
export class TrackerRequestError extends Error {
  override readonly name = 'TrackerRequestError';

  constructor(
    readonly tracker: string,
    readonly operation: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `${tracker} rejected ${operation}: ${detail}. Check the tracker section of nightshift.yaml (team keys, state names, repos) against the tracker.`,
      options,
    );
  }
}
