export * from './github-client';
export * from './github-failure';
