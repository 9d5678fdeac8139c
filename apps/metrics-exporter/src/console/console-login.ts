import { timingSafeEqual } from 'node:crypto';

import type { FastifyInstance } from 'fastify';

import { type ApiAccess, requireJsonBody, requireOwnCaller } from '../api-auth';
import { ApiError } from '../api-errors';
import { securityHeaders } from './console-access';
import { sessionCookie, sessionValue } from './console-session';
import { html } from './html';
import { page } from './layout';

const NAME = /^[\w .@-]{1,40}$/;

/** The login form and its JSON endpoints: the token is checked once, the cookie then carries a signed name. */
export function registerConsoleLogin(app: FastifyInstance, access: ApiAccess): void {
  app.get('/login', async (_request, reply) =>
    securityHeaders(reply)
      .type('text/html; charset=utf-8')
      .send(
        page(
          'login',
          'Log in',
          { operator: null },
          html`<form id="login" class="login" data-login="/console/login">
            <p>
              Give the operator token (set in <code>${access.tokenEnv}</code> on the metrics-exporter) to pause, resume
              and retry.
            </p>
            <label for="login-name">Your name (recorded with what you do)</label>
            <input id="login-name" name="name" autocomplete="username" required maxlength="40" value="operator" />
            <label for="login-token">Operator token</label>
            <input id="login-token" name="token" type="password" autocomplete="current-password" required />
            <button type="submit">Log in</button>
          </form>`,
        ).markup,
      ),
  );

  app.post<{ Body: { token?: unknown; name?: unknown } }>('/login', async (request, reply) => {
    requireOwnCaller(access, request);
    requireJsonBody(request);
    const { token, name } = request.body ?? {};
    if (typeof name !== 'string' || !NAME.test(name))
      throw new ApiError(400, 'bad_name', 'give a name of 1 to 40 letters, digits, spaces, dots, @ or dashes');
    if (!access.token)
      throw new ApiError(401, 'token_not_configured', `no operator token is configured: set ${access.tokenEnv}`);
    const given = Buffer.from(typeof token === 'string' ? token : '');
    const expected = Buffer.from(access.token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new ApiError(401, 'bad_token', 'that is not the operator token');
    const secure = request.protocol === 'https';
    return securityHeaders(reply)
      .header('set-cookie', sessionCookie(sessionValue(access.token, name), secure))
      .send({ operator: name });
  });

  app.post('/logout', async (request, reply) => {
    requireOwnCaller(access, request);
    requireJsonBody(request);
    return securityHeaders(reply)
      .header('set-cookie', sessionCookie(null, request.protocol === 'https'))
      .send({ loggedOut: true });
  });
}
