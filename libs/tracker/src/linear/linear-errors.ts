import {
  TrackerAuthError,
  TrackerQueryTooComplexError,
  TrackerRateLimitedError,
  TrackerRequestError,
  TrackerUnavailableError,
} from '../errors';

/** The parts of the SDK's LinearError this adapter reads (duck-typed: the SDK's classes are not needed to tell them apart). */
interface LinearErrorLike {
  type?: string;
  status?: number;
  message?: string;
  errors?: Array<{ message?: string }>;
  requestsResetAt?: number;
  retryAfter?: number;
  raw?: {
    response?: {
      errors?: Array<{ message?: string; extensions?: { code?: string; userPresentableMessage?: string } }>;
    };
  };
}

/** Linear announces reset instants in epoch milliseconds; a value that small must be seconds. */
export function resetInstant(value: number | undefined, now: number, fallbackMs: number): number {
  if (value === undefined || !Number.isFinite(value) || value <= 0) return now + fallbackMs;
  const ms = value < 1e12 ? value * 1000 : value;
  return ms > now ? ms : now + fallbackMs;
}

/**
 * Turns whatever the SDK threw into one of the tracker's error kinds, with a message that names
 * the operation but never the request's variables or headers (they may hold ticket text or the key).
 */
export function toTrackerError(
  err: unknown,
  operation: string,
  tokenEnv: string,
  now: number,
  fallbackBackoffMs: number,
): Error {
  const e = (err ?? {}) as LinearErrorLike;
  const codes = e.raw?.response?.errors?.map((x) => x.extensions?.code) ?? [];
  const detail = (e.errors?.[0]?.message ?? e.message ?? String(err)).split('\n')[0]!.slice(0, 300);
  if (e.type === 'Ratelimited' || codes.includes('RATELIMITED') || e.status === 429) {
    const retryAt = e.retryAfter ? now + e.retryAfter * 1000 : resetInstant(e.requestsResetAt, now, fallbackBackoffMs);
    return new TrackerRateLimitedError('Linear', retryAt, { cause: err });
  }
  const tooComplex = tooComplexScore(e);
  if (tooComplex)
    return new TrackerQueryTooComplexError('Linear', operation, tooComplex.complexity, tooComplex.max, { cause: err });
  if (e.type === 'AuthenticationError' || e.type === 'Forbidden' || e.status === 401 || e.status === 403) {
    return new TrackerAuthError('Linear', tokenEnv, detail, { cause: err });
  }
  if (
    (e.status !== undefined && e.status >= 500) ||
    e.type === 'NetworkError' ||
    e.type === 'InternalError' ||
    err instanceof TypeError
  ) {
    return new TrackerUnavailableError('Linear', e.status, detail, { cause: err });
  }
  return new TrackerRequestError('Linear', operation, detail, { cause: err });
}

/** Linear's answer to a query over its per-query cap: "Query too complex", the score in userPresentableMessage. */
function tooComplexScore(e: LinearErrorLike): { complexity: number; max: number } | undefined {
  const texts = [
    e.message,
    ...(e.errors ?? []).map((x) => x.message),
    ...(e.raw?.response?.errors ?? []).flatMap((x) => [x.message, x.extensions?.userPresentableMessage]),
  ];
  if (!texts.some((t) => t !== undefined && /too complex/i.test(t))) return undefined;
  const joined = texts.filter(Boolean).join(' ');
  const complexity = Number(/Complexity: (\d+(?:\.\d+)?)/.exec(joined)?.[1] ?? NaN);
  const max = Number(/Maximum allowed complexity: (\d+)/.exec(joined)?.[1] ?? 10_000);
  return { complexity, max };
}
