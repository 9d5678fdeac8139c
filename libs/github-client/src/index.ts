export * from './content-pacing';
export * from './github-client';
export * from './github-failure';
