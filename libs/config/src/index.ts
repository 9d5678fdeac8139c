export * from './schema';
export * from './load-config';
export * from './errors/config-error';
export { githubRepoOfRemote } from './tracker-forge.schema';
export * from './resolve-redis-url';
