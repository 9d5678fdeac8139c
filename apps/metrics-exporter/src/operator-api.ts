import swagger from '@fastify/swagger';
import type { NightshiftConfig } from '@nightshift/config';
import type { FleetStateReader } from '@nightshift/fleet';
import type { Notifier } from '@nightshift/notify';
import {
  BadDurationError,
  parseDuration,
  pauseScope,
  pauseScopeOf,
  resumeScope,
  RetryRefusedError,
  UnknownAccountError,
} from '@nightshift/pause-policy';
import { describeScope, EventLog, type PauseScope, PauseStore, requestRefresh } from '@nightshift/state';
import type { Tracker } from '@nightshift/tracker';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

import { actorOf, type ApiAccess, isStateChanging, requireAccess, requireJsonBody, requireOwnCaller } from './api-auth';
import { ApiError, errorBody } from './api-errors';
import { registerMemoryActions, registerTicketActions } from './ticket-actions.api';
import { ticketDetail } from './ticket-detail';

export interface OperatorApiDeps {
  redis: Redis;
  config: NightshiftConfig;
  fleet: FleetStateReader;
  access: ApiAccess;
  notifier: Notifier;
  logger: Logger;
  /** For Retry (reads the ticket's state, moves it and comments); made on first use. */
  tracker: () => Tracker;
}

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
} as const;
const errors = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  404: errorSchema,
  409: errorSchema,
  415: errorSchema,
  503: errorSchema,
};
const scopeBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    account: { type: 'string', minLength: 1, description: 'an agent account from nightshift.yaml; omitted = intake' },
    ticket: { type: 'string', minLength: 1, maxLength: 200, description: 'one ticket key (instead of an account)' },
  },
} as const;

/**
 * The operator API under `/api/v1`: swarm state, one ticket's history, scan now, pause and resume.
 * Every error is JSON `{error: {code, message}}`; the OpenAPI document is at `/api/v1/openapi.json`.
 */
export async function registerOperatorApi(app: FastifyInstance, deps: OperatorApiDeps): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: { title: 'Nightshift operator API', version: '1' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  const pauses = new PauseStore(deps.redis);
  const events = new EventLog(deps.redis);
  await app.register(
    async (api) => {
      api.addHook('onRequest', async (request) => {
        requireOwnCaller(deps.access, request);
        requireAccess(deps.access, request);
        if (isStateChanging(request.method)) requireJsonBody(request);
      });
      api.setErrorHandler((err: FastifyError, _request, reply) => {
        if (err instanceof ApiError) return reply.code(err.statusCode).send(errorBody(err.code, err.message));
        if (err.validation) return reply.code(400).send(errorBody('invalid_request', err.message));
        // fastify's own refusals (an empty or malformed JSON body): the caller's mistake, said as one.
        if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500)
          return reply.code(err.statusCode).send(errorBody('invalid_request', err.message));
        if (err instanceof RetryRefusedError) return reply.code(409).send(errorBody('retry_refused', err.message));
        if (err instanceof UnknownAccountError) return reply.code(400).send(errorBody('unknown_account', err.message));
        if (err instanceof BadDurationError)
          return reply.code(400).send(errorBody('bad_duration', `for: ${err.message}`));
        deps.logger.error({ err: err.message }, 'operator API failed');
        return reply
          .code(500)
          .send(errorBody('internal', 'the request failed inside Nightshift; see the metrics-exporter log'));
      });
      api.setNotFoundHandler((request, reply) =>
        reply
          .code(404)
          .send(errorBody('not_found', `no API route ${request.method} ${request.url}; see /api/v1/openapi.json`)),
      );

      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
      api.get(
        '/state',
        {
          schema: {
            summary: 'Hosts, slots, queues, pauses, running sessions, stranded tickets and run totals',
            response: errors,
          },
        },
        async () => deps.fleet.read(),
      );
      api.get<{ Params: { key: string } }>(
        '/tickets/:key',
        {
          schema: {
            summary: "One ticket's runs, attempts, events, PRs and cost",
            params: { type: 'object', properties: { key: { type: 'string', maxLength: 200 } }, required: ['key'] },
            response: errors,
          },
        },
        async (request) => {
          const detail = await ticketDetail(deps.redis, request.params.key);
          if (!detail)
            throw new ApiError(
              404,
              'ticket_not_found',
              `Nightshift has no run, claim or event for ticket ${request.params.key}`,
            );
          return detail;
        },
      );
      api.post(
        '/refresh',
        {
          schema: {
            summary: 'Ask every ticket-scanner to scan the tracker now',
            response: {
              202: { type: 'object', properties: { requested: { type: 'boolean' }, scanners: { type: 'integer' } } },
              ...errors,
            },
          },
        },
        async (_request, reply) => {
          const scanners = await requestRefresh(deps.redis, 'operator-api');
          if (scanners === 0)
            throw new ApiError(
              503,
              'no_scanner',
              'no ticket-scanner is listening; is it running and connected to this Redis?',
            );
          return reply.code(202).send({ requested: true, scanners });
        },
      );
      api.post<{ Body: { account?: string; ticket?: string; for?: string; reason?: string } }>(
        '/pause',
        {
          schema: {
            summary: 'Pause intake (default), one agent account or one ticket, for every host',
            body: {
              ...scopeBody,
              properties: {
                ...scopeBody.properties,
                for: { type: 'string', description: '90s, 30m, 2h, 1d; omitted = until resumed' },
                reason: { type: 'string', maxLength: 500 },
              },
            },
            response: errors,
          },
        },
        async (request) => {
          const body = request.body;
          const scope = scopeOf(deps.config, body);
          const until = body.for ? new Date(Date.now() + parseDuration(body.for)) : null;
          await pauseScope(
            { pauses, events, notifier: deps.notifier },
            scope,
            until,
            body.reason ?? 'paused through the operator API',
            actorOf(deps.access, request),
          );
          return { paused: await pauses.get(scope) };
        },
      );
      api.post<{ Body: { account?: string; ticket?: string } }>(
        '/resume',
        {
          schema: {
            summary: 'Resume intake (default), one agent account or one ticket',
            body: scopeBody,
            response: errors,
          },
        },
        async (request) => {
          const scope = scopeOf(deps.config, request.body);
          const lifted = await resumeScope(
            { redis: deps.redis, config: deps.config, pauses, events, notifier: deps.notifier },
            scope,
            actorOf(deps.access, request),
          );
          if (!lifted) throw new ApiError(409, 'not_paused', `${describeScope(scope)} is not paused`);
          return { resumed: lifted };
        },
      );
      registerTicketActions(api, deps, errors);
      registerMemoryActions(api, deps, errors);
    },
    { prefix: '/api/v1' },
  );
}

function scopeOf(config: NightshiftConfig, body: { account?: string; ticket?: string }): PauseScope {
  return body.ticket ? { kind: 'ticket', ticket: body.ticket } : pauseScopeOf(config, body.account);
}
