import type { FastifyReply, FastifyRequest } from 'fastify';

import { type ApiAccess, hasValidToken, requireOwnCaller } from '../api-auth';
import { ApiError } from '../api-errors';
import { operatorFromCookie } from './console-session';
import type { Viewer } from './layout';

/**
 * Who is looking: an operator (the login cookie or the bearer token), a read-only reader (no token, loopback bind
 * only), or nobody (null: the page sends them to the login form). A foreign Host or Origin is refused outright.
 */
export function viewerOf(access: ApiAccess, request: FastifyRequest): Viewer | null {
  requireOwnCaller(access, request);
  let valid = false;
  try {
    valid = hasValidToken(access, request);
  } catch {
    valid = false;
  }
  if (valid) return { operator: operatorFromCookie(access.token, request.headers.cookie) ?? 'operator-api' };
  return access.openWithoutToken ? { operator: null } : null;
}

/** Headers every console answer carries: no framing, no inline script, no leaking the URL elsewhere. */
export function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header(
      'content-security-policy',
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    )
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cache-control', 'no-store');
}

/** A refusal as a short page (the API's errors are JSON; a browser gets text it can show). */
export function refusal(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof ApiError) return securityHeaders(reply).code(err.statusCode).type('text/plain').send(err.message);
  throw err;
}
