export * from './forge';
export * from './local-forge';
export * from './errors';
export * from './github/github.forge';
export { gitAuthEnv } from './github/git-auth-env';
export * from './review-feedback';
