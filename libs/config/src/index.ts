export * from './schema';
export * from './load-config';
export * from './errors/config-error';
export { githubRepoOfRemote, DEFAULT_COMMIT_AUTHOR } from './tracker-forge.schema';
export * from './resolve-redis-url';
export * from './secret-env-names';
