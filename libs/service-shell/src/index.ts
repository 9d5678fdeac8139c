export * from './logger';
export * from './redis-connection';
export * from './readiness';
export * from './http-server';
export * from './service-runtime';
export * from './embedded-redis';
export * from './handler-table';
// Lives in config so the CLI finds Redis without loading the service shell (fastify, pino, prom-client).
export { embeddedRedisUrlFile, resolveRedisUrl } from '@nightshift/config';
export * from './crash-point';
export * from './typed-queue';
export * from './host';
export * from './log-errors';
export * from './queue-options';
