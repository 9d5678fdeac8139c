import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';

import { type ApiAccess, requireAccess, requireOwnCaller } from './api-auth';
import { ApiError, errorBody } from './api-errors';

/**
 * bull-board on two paths: `/queues` read-only (same access rules as the API's reads) and
 * `/queues/admin`, which can retry, promote and remove jobs and always needs the bearer token.
 */
export async function registerQueueBoard(app: FastifyInstance, queues: Queue[], access: ApiAccess): Promise<void> {
  const mount = async (basePath: string, readOnlyMode: boolean, alwaysNeedsToken: boolean) => {
    const adapter = new FastifyAdapter();
    createBullBoard({
      queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode })),
      serverAdapter: adapter,
      options: { uiConfig: { boardTitle: readOnlyMode ? 'Nightshift queues (read-only)' : 'Nightshift queues' } },
    });
    adapter.setBasePath(basePath);
    await app.register(async (scope) => {
      scope.addHook('onRequest', async (request, reply) => {
        try {
          requireOwnCaller(access, request);
          // The read-only board's API is all GETs; the writable one always needs the token (no browser sends it by itself).
          requireAccess(access, request, { alwaysNeedsToken });
        } catch (err) {
          if (err instanceof ApiError) return reply.code(err.statusCode).send(errorBody(err.code, err.message));
          throw err;
        }
      });
      await scope.register(adapter.registerPlugin(), { prefix: basePath });
    });
  };
  await mount('/queues/admin', false, true);
  await mount('/queues', true, false);
}
