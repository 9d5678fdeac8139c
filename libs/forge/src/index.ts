export * from './errors';
export * from './forge';
export { gitAuthEnv } from './github/git-auth-env';
export * from './github/github.forge';
export type { Mergeability, MergeableOptions } from './github/github-mergeable';
export { GitLabForge, type GitLabForgeOptions } from './gitlab/gitlab.forge';
export * from './local-forge';
export * from './review-feedback';
