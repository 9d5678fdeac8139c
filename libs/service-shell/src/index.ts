export * from './embedded-redis';
export * from './embedded-redis-password';
export * from './handler-table';
export * from './http-server';
export * from './logger';
export * from './readiness';
export * from './redis-connection';
export * from './service-runtime';
// Lives in config so the CLI finds Redis without loading the service shell (fastify, pino, prom-client).
export * from './crash-point';
export * from './host';
export * from './log-errors';
export * from './machine-identity';
export * from './private-data-dir';
export * from './queue-options';
export * from './typed-queue';
export { embeddedRedisUrlFile, resolveRedisUrl } from '@nightshift/config';
