import { TrackerAuthError, TrackerRateLimitedError, TrackerRequestError, TrackerUnavailableError } from '../errors';

/** The parts of the SDK's LinearError this adapter reads (duck-typed: the SDK's classes are not needed to tell them apart). */
interface LinearErrorLike {
  type?: string;
  status?: number;
  message?: string;
  errors?: Array<{ message?: string }>;
  requestsResetAt?: number;
  retryAfter?: number;
  raw?: { response?: { errors?: Array<{ extensions?: { code?: string } }> } };
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
export function toTrackerError(err: unknown, operation: string, tokenEnv: string, now: number, fallbackBackoffMs: number): Error {
  const e = (err ?? {}) as LinearErrorLike;
  const codes = e.raw?.response?.errors?.map((x) => x.extensions?.code) ?? [];
  const detail = (e.errors?.[0]?.message ?? e.message ?? String(err)).split('\n')[0]!.slice(0, 300);
  if (e.type === 'Ratelimited' || codes.includes('RATELIMITED') || e.status === 429) {
    const retryAt = e.retryAfter ? now + e.retryAfter * 1000 : resetInstant(e.requestsResetAt, now, fallbackBackoffMs);
    return new TrackerRateLimitedError('Linear', retryAt, { cause: err });
  }
  if (e.type === 'AuthenticationError' || e.type === 'Forbidden' || e.status === 401 || e.status === 403) {
    return new TrackerAuthError('Linear', tokenEnv, detail, { cause: err });
  }
  if ((e.status !== undefined && e.status >= 500) || e.type === 'NetworkError' || e.type === 'InternalError' || err instanceof TypeError) {
    return new TrackerUnavailableError('Linear', e.status, detail, { cause: err });
  }
  return new TrackerRequestError('Linear', operation, detail, { cause: err });
}
