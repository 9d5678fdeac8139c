/** The tracker said to slow down; calls are refused locally until `retryAt` so the limit can recover. */
export class TrackerRateLimitedError extends Error {
  override readonly name = 'TrackerRateLimitedError';

  constructor(
    readonly tracker: string,
    /** When calls may resume (epoch ms). */
    readonly retryAt: number,
    options?: { cause?: unknown },
  ) {
    super(
      `${tracker} rate limit reached; Nightshift backs off until ${new Date(retryAt).toISOString()} and retries by itself (polling resumes then, nothing is lost).`,
      options,
    );
  }
}
