// Types only from the schema: loading zod is left to parseConfig, so a command that finds its config
// in the cache never pays for it (bench/cli-startup.js).
export type * from './schema';
export * from './load-config';
export * from './errors/config-error';
export { githubRepoOfRemote, DEFAULT_COMMIT_AUTHOR } from './remotes';
export * from './resolve-redis-url';
export * from './secret-env-names';
export * from './hot-reload';
export * from './config-watcher';
