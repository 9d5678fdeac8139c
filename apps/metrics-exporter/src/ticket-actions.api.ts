import type { NightshiftConfig } from '@nightshift/config';
import { retryTicket } from '@nightshift/pause-policy';
import { EventLog } from '@nightshift/state';
import type { Tracker } from '@nightshift/tracker';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';

import type { ApiAccess } from './api-auth';
import { actorOf } from './api-auth';
import { ApiError } from './api-errors';
import { forgetLearning } from './memory-access';

interface ActionDeps {
  redis: Redis;
  config: NightshiftConfig;
  tracker: () => Tracker;
  access: ApiAccess;
}

/** `POST /api/v1/tickets/:key/retry`: the CLI's `nightshift retry`, for the console's Retry button and scripts. */
export function registerTicketActions(api: FastifyInstance, deps: ActionDeps, errors: Record<number, unknown>): void {
  api.post<{ Params: { key: string }; Body: { resetAttempts?: boolean; reason?: string } }>(
    '/tickets/:key/retry',
    {
      schema: {
        summary:
          'Put a Needs Human ticket back in the queue (refused when its attempts are spent, unless resetAttempts)',
        params: { type: 'object', properties: { key: { type: 'string', maxLength: 200 } }, required: ['key'] },
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { resetAttempts: { type: 'boolean' }, reason: { type: 'string', maxLength: 500 } },
        },
        response: errors,
      },
    },
    async (request) => {
      const { resetAttempts, reason } = request.body;
      const done = await retryTicket(
        { tracker: trackerOf(deps), redis: deps.redis, config: deps.config },
        request.params.key,
        {
          by: actorOf(deps.access, request),
          via: 'the operator console or API',
          ...(resetAttempts ? { resetAttempts } : {}),
          ...(reason ? { reason } : {}),
        },
      );
      return { retried: request.params.key, ...done };
    },
  );
}

/** `POST /api/v1/memory/:id/forget`: the CLI's `nightshift memory forget`, recorded as an event with who asked. */
export function registerMemoryActions(
  api: FastifyInstance,
  deps: Pick<ActionDeps, 'redis' | 'access'>,
  errors: Record<number, unknown>,
): void {
  api.post<{ Params: { id: string } }>(
    '/memory/:id/forget',
    {
      schema: {
        summary: 'Forget one learning',
        params: { type: 'object', properties: { id: { type: 'string', pattern: UUID } }, required: ['id'] },
        response: errors,
      },
    },
    async (request) => {
      const removed = await forgetLearning(deps.redis, request.params.id);
      if (!removed) throw new ApiError(404, 'learning_not_found', `no learning ${request.params.id}`);
      await new EventLog(deps.redis).append({
        type: 'memory.forgotten',
        detail: { id: request.params.id, by: actorOf(deps.access, request) },
      });
      return { forgotten: request.params.id };
    },
  );
}

const UUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** The tracker, or a 503 saying why the exporter cannot reach it (e.g. its token is not in this environment). */
function trackerOf(deps: Pick<ActionDeps, 'tracker'>): Tracker {
  try {
    return deps.tracker();
  } catch (err) {
    throw new ApiError(
      503,
      'tracker_unavailable',
      `the metrics-exporter cannot use the tracker: ${(err as Error).message}`,
    );
  }
}
