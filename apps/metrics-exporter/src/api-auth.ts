import { timingSafeEqual } from 'node:crypto';

import type { FastifyRequest } from 'fastify';

import { ApiError } from './api-errors';
import { operatorFromCookie } from './console/console-session';

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export interface ApiAccess {
  /** Whether callers without the token may read (only when bound to loopback). */
  openWithoutToken: boolean;
  /** Whether state-changing calls also go without the token there (`observability.apiOpenWrites`). */
  openWrites: boolean;
  /** The bearer token, when one is configured. */
  token: string | undefined;
  /** Environment variable that holds the token, for error messages (never the token itself). */
  tokenEnv: string;
  /** `Host` names answered besides loopback ones, lower case. */
  allowedHosts: ReadonlySet<string>;
}

/** How the API is reached, from nightshift.yaml. */
export interface ApiAccessOptions {
  /** `http.host`: the address the server binds. */
  host: string;
  tokenEnv: string;
  allowedHosts?: readonly string[];
  openWrites?: boolean;
}

const WILDCARD_BINDS = new Set(['0.0.0.0', '::', '']);

/**
 * The access policy, the one home for who may call the operator API and queue board: only requests addressed to
 * this server by a loopback or configured name (a foreign `Host` is a DNS-rebinding page), never from a foreign
 * web origin; reads open on a loopback bind, and every state-changing call needs the bearer token and a JSON body
 * (which no page can send cross-origin without a preflight this server never answers) unless apiOpenWrites.
 */
export function apiAccess(opts: ApiAccessOptions, env: NodeJS.ProcessEnv = process.env): ApiAccess {
  const token = env[opts.tokenEnv] || undefined;
  const allowedHosts = new Set((opts.allowedHosts ?? []).map((h) => h.toLowerCase()));
  if (!WILDCARD_BINDS.has(opts.host)) allowedHosts.add(opts.host.toLowerCase());
  const openWithoutToken = isLoopback(opts.host);
  return {
    openWithoutToken,
    openWrites: openWithoutToken && opts.openWrites === true,
    token,
    tokenEnv: opts.tokenEnv,
    allowedHosts,
  };
}

/** True for methods that change state (everything but reads). */
export function isStateChanging(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}

/** Refuses a request addressed by a foreign `Host` name, or sent by a page of a foreign `Origin`. */
export function requireOwnCaller(access: ApiAccess, request: FastifyRequest): void {
  const host = hostName(request.headers.host ?? '');
  if (host === null || !(isLoopback(host) || access.allowedHosts.has(host))) {
    throw new ApiError(
      403,
      'foreign_host',
      'this server answers only loopback names and observability.apiAllowedHosts in the Host header',
    );
  }
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let originHost: string | null = null;
  try {
    originHost = hostName(new URL(origin).host);
  } catch {
    originHost = null;
  }
  if (originHost === null || !(isLoopback(originHost) || access.allowedHosts.has(originHost))) {
    throw new ApiError(403, 'foreign_origin', 'requests from another web origin are refused');
  }
}

/** A state-changing call must say its body is JSON: a cross-site form or no-cors fetch cannot. */
export function requireJsonBody(request: FastifyRequest): void {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new ApiError(415, 'json_required', 'send the body as JSON ("content-type: application/json", e.g. {})');
  }
}

/** `host[:port]` → the host name, lower case, brackets dropped; null when it is not one. */
function hostName(hostHeader: string): string | null {
  const h = hostHeader.trim().toLowerCase();
  if (h.length === 0) return null;
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 1 ? h.slice(1, end) : null;
  }
  const name = h.split(':')[0]!;
  return /^[a-z0-9.-]+$/.test(name) ? name : null;
}

/**
 * True when the request carries the configured token, or the console's login cookie made with it; throws on a
 * wrong or malformed bearer token (a stale cookie is simply not a login).
 */
export function hasValidToken(access: ApiAccess, request: FastifyRequest): boolean {
  const header = request.headers.authorization;
  if (!header) return operatorFromCookie(access.token, request.headers.cookie) !== null;
  // With no token configured a header proves nothing; requireAccess decides whether one was needed.
  if (!access.token) return false;
  const given = Buffer.from(/^Bearer (.+)$/i.exec(header)?.[1] ?? '');
  const expected = Buffer.from(access.token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ApiError(
      401,
      'bad_token',
      `the bearer token is not valid (it is set in ${access.tokenEnv} on the metrics-exporter)`,
    );
  }
  return true;
}

/** Refuses a request that needs the token and does not carry it; a state-changing one needs it unless openWrites. */
export function requireAccess(
  access: ApiAccess,
  request: FastifyRequest,
  opts: { alwaysNeedsToken?: boolean } = {},
): void {
  if (hasValidToken(access, request)) return;
  const writes = isStateChanging(request.method);
  if (access.openWithoutToken && !opts.alwaysNeedsToken && (!writes || access.openWrites)) return;
  if (!access.token)
    throw new ApiError(
      401,
      'token_not_configured',
      `this needs a bearer token, and none is configured: set ${access.tokenEnv} in the metrics-exporter's environment`,
    );
  throw new ApiError(401, 'token_required', 'send the operator token as "Authorization: Bearer <token>"');
}

/** Who acts, as events record it: `console:<name>` for a console login, else `operator-api`. */
export function actorOf(access: ApiAccess, request: FastifyRequest): string {
  const name = request.headers.authorization ? null : operatorFromCookie(access.token, request.headers.cookie);
  return name === null ? 'operator-api' : `console:${name}`;
}
