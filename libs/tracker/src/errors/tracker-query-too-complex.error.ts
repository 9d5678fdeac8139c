/** The tracker refused one query as too costly for a single request: a Nightshift bug (a page or nested count too large), never a transient failure. */
export class TrackerQueryTooComplexError extends Error {
  override readonly name = 'TrackerQueryTooComplexError';

  constructor(
    readonly tracker: string,
    readonly operation: string,
    /** The query's score as the tracker reported it (NaN when it did not say). */
    readonly complexity: number,
    readonly maxComplexity: number,
    options?: { cause?: unknown },
  ) {
    super(
      `${tracker} refused the query ${operation} as too complex: ${Number.isNaN(complexity) ? 'an unreported number of' : Math.ceil(complexity)} points, over its limit of ${maxComplexity} per query. Nothing was read; this is a Nightshift bug (the query asks for too many nested items per page): report it with this message.`,
      options,
    );
  }
}
