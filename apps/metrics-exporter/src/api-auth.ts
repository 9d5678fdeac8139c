import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-errors';

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export interface ApiAccess {
  /** Whether callers without the token may use the API (only when bound to loopback). */
  openWithoutToken: boolean;
  /** The bearer token, when one is configured. */
  token: string | undefined;
  /** Environment variable that holds the token, for error messages (never the token itself). */
  tokenEnv: string;
}

/** The access policy: loopback is open; bound elsewhere, every call needs the bearer token. */
export function apiAccess(host: string, tokenEnv: string, env: NodeJS.ProcessEnv = process.env): ApiAccess {
  const token = env[tokenEnv] || undefined;
  return { openWithoutToken: isLoopback(host), token, tokenEnv };
}

/** True when the request carries the configured token; throws on a wrong or malformed one. */
export function hasValidToken(access: ApiAccess, request: FastifyRequest): boolean {
  const header = request.headers.authorization;
  // With no token configured a header proves nothing; requireAccess decides whether one was needed.
  if (!header || !access.token) return false;
  const given = Buffer.from(/^Bearer (.+)$/i.exec(header)?.[1] ?? '');
  const expected = Buffer.from(access.token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ApiError(401, 'bad_token', `the bearer token is not valid (it is set in ${access.tokenEnv} on the metrics-exporter)`);
  }
  return true;
}

/** Refuses a request that needs the token and does not carry it. */
export function requireAccess(access: ApiAccess, request: FastifyRequest, opts: { alwaysNeedsToken?: boolean } = {}): void {
  if (hasValidToken(access, request)) return;
  if (access.openWithoutToken && !opts.alwaysNeedsToken) return;
  if (!access.token) throw new ApiError(401, 'token_not_configured', `this needs a bearer token, and none is configured: set ${access.tokenEnv} in the metrics-exporter's environment`);
  throw new ApiError(401, 'token_required', 'send the operator token as "Authorization: Bearer <token>"');
}
