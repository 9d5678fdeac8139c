// Types only from the schema: loading zod is left to parseConfig, so a command that finds its config
// in the cache never pays for it (bench/cli-startup.js).
export * from './agent-env';
export { configReference, generatedBlock, replaceGeneratedBlock } from './config-reference';
export * from './config-watcher';
export { didYouMean } from './did-you-mean';
export * from './errors/config-error';
export * from './hot-reload';
export * from './load-config';
export * from './open-redis';
export type { PrAssignment } from './pr-assignment.schema';
export * from './redis-target';
export { DEFAULT_COMMIT_AUTHOR, githubRepoOfRemote, isLocalRemote } from './remotes';
export * from './repo-agent';
export * from './resolve-redis-url';
export * from './sandbox-mode';
export type * from './schema';
export * from './secret-env-names';
