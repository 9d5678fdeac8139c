import { type NightshiftConfig, secretEnvNames, type ServiceName } from '@nightshift/config';
import { declareSecretEnvNames } from '@nightshift/domain';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';

import { startHttpServer } from './http-server';
import { createLogger } from './logger';
import { type ReadinessCheck, redisCheck } from './readiness';
import { createRedis, waitForRedis } from './redis-connection';

/** Something the runtime must close on shutdown (BullMQ workers, queues, timers). */
export interface Closeable {
  close(): Promise<void>;
}

export const EVENT_LOOP_SAMPLE_MS = 100;

export interface ServiceRuntimeOptions {
  service: ServiceName;
  config: NightshiftConfig;
  redisUrl: string;
  /** Overrides the configured port (tests pass 0 for a free one). */
  port?: number;
  /** How long active jobs may run on after SIGTERM before the process exits anyway. */
  graceMs?: number;
}

/**
 * The shell around every service: logger, Redis, metrics registry, HTTP endpoints and graceful
 * shutdown. A service adds its readiness checks and closeables, then calls `start()`.
 */
export class ServiceRuntime {
  readonly logger: Logger;
  readonly redis: Redis;
  readonly registry = new Registry();
  readonly checks: ReadinessCheck[] = [];
  /** Extra HTTP routes a service serves besides /healthz, /readyz and /metrics (added before `start()`). */
  readonly routes: Array<(app: FastifyInstance) => void | Promise<void>> = [];
  private readonly closeables: Closeable[] = [];
  private http?: FastifyInstance;
  private closing?: Promise<void>;

  constructor(readonly opts: ServiceRuntimeOptions) {
    declareSecretEnvNames(secretEnvNames(opts.config));
    this.logger = createLogger(opts.service, opts.config.logLevel);
    this.redis = createRedis(opts.redisUrl, this.logger, `nightshift:${opts.service}`);
    this.registry.setDefaultLabels({ service: opts.service });
    // The event-loop lag histogram samples on a timer: prom-client's 10 ms default wakes an idle service
    // 100 times a second; 100 ms still gives each scrape hundreds of samples.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    this.checks.push(redisCheck(this.redis, opts.redisUrl));
  }

  /** A fresh connection for a BullMQ worker or QueueEvents (blocking commands need their own). */
  newRedis(name: string): Redis {
    const redis = createRedis(this.opts.redisUrl, this.logger, `nightshift:${this.opts.service}:${name}`);
    this.onClose({ close: async () => void redis.disconnect() });
    return redis;
  }

  /** Registered closeables close in reverse order on shutdown. */
  onClose(closeable: Closeable): void {
    this.closeables.push(closeable);
  }

  /** Serves HTTP at once (so `/readyz` can say Redis is down), then waits for Redis before returning. */
  async start(): Promise<string> {
    const { app, url } = await startHttpServer({
      host: this.opts.config.http.host,
      port: this.opts.port ?? this.opts.config.http.ports[this.opts.service],
      registry: this.registry,
      checks: this.checks,
      routes: this.routes,
    });
    this.http = app;
    this.logger.info({ url }, 'listening');
    // After a signal the process exits once closed, whatever timers a service still has pending.
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => void this.shutdown(signal).finally(() => process.exit(0)));
    }
    await waitForRedis(this.redis, Number.POSITIVE_INFINITY);
    return url;
  }

  /** Stops taking work, lets active jobs finish up to the grace delay, closes everything. Safe to call twice. */
  shutdown(reason: string): Promise<void> {
    this.closing ??= this.doShutdown(reason);
    return this.closing;
  }

  private async doShutdown(reason: string): Promise<void> {
    this.logger.info({ reason }, 'shutting down');
    const grace = this.opts.graceMs ?? 30_000;
    const timer = setTimeout(() => {
      this.logger.warn({ graceMs: grace }, 'grace period over; exiting with work still active');
      process.exit(1);
    }, grace);
    timer.unref();
    for (const c of [...this.closeables].reverse()) {
      await c.close().catch((err: unknown) => this.logger.warn({ err: String(err) }, 'close failed'));
    }
    await this.http?.close();
    this.redis.disconnect();
    clearTimeout(timer);
    this.logger.info('stopped');
    this.logger.flush();
  }
}
