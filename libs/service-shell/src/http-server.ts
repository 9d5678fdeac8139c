import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

import { checkReadiness, type ReadinessCheck } from './readiness';

export interface HttpServerOptions {
  host: string;
  port: number;
  registry: Registry;
  checks: ReadinessCheck[];
  /** Service-specific routes (e.g. tracker webhooks), registered before listening. */
  routes?: Array<(app: FastifyInstance) => void | Promise<void>>;
}

/**
 * The three endpoints every service serves: `/healthz` (the process is alive, checks nothing),
 * `/readyz` (each dependency, naming the one that is down) and `/metrics` (prom-client).
 */
export async function startHttpServer(opts: HttpServerOptions): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    const report = await checkReadiness(opts.checks);
    return reply.code(report.ready ? 200 : 503).send(report);
  });
  app.get('/metrics', async (_req, reply) => {
    return reply.header('content-type', opts.registry.contentType).send(await opts.registry.metrics());
  });
  for (const register of opts.routes ?? []) await register(app);
  const url = await app.listen({ host: opts.host, port: opts.port });
  return { app, url };
}
