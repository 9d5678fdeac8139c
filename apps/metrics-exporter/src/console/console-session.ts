import { createHmac, timingSafeEqual } from 'node:crypto';

/** The console's login cookie: HttpOnly, SameSite=Strict, holding a signed name, never the token. */
export const CONSOLE_COOKIE = 'nightshift_console';
/** How long a console login lasts: one night. */
export const SESSION_SEC = 12 * 3600;

const mac = (token: string, payload: string): string =>
  createHmac('sha256', token).update(`nightshift-console\n${payload}`).digest('base64url');

/** The cookie's value for an operator who gave the right token: `name.expiry.mac`, keyed by the token. */
export function sessionValue(token: string, name: string, now = Date.now()): string {
  const payload = `${Buffer.from(name).toString('base64url')}.${Math.floor(now / 1000) + SESSION_SEC}`;
  return `${payload}.${mac(token, payload)}`;
}

/** The operator's name when the cookie header carries a valid, unexpired console session; else null. */
export function operatorFromCookie(
  token: string | undefined,
  cookieHeader: string | undefined,
  now = Date.now(),
): string | null {
  if (!token || !cookieHeader) return null;
  const value = cookieHeader
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${CONSOLE_COOKIE}=`))
    ?.slice(CONSOLE_COOKIE.length + 1);
  const [name, exp, given] = value?.split('.') ?? [];
  if (!name || !exp || !given) return null;
  const expected = Buffer.from(mac(token, `${name}.${exp}`));
  const got = Buffer.from(given);
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) return null;
  if (Number(exp) * 1000 <= now) return null;
  return Buffer.from(name, 'base64url').toString('utf8');
}

/** The Set-Cookie header for a login (a value) or a logout (null). */
export function sessionCookie(value: string | null, secure: boolean): string {
  const attrs = ['HttpOnly', 'SameSite=Strict', 'Path=/', secure ? 'Secure' : ''].filter(Boolean).join('; ');
  return value === null
    ? `${CONSOLE_COOKIE}=; Max-Age=0; ${attrs}`
    : `${CONSOLE_COOKIE}=${value}; Max-Age=${SESSION_SEC}; ${attrs}`;
}
