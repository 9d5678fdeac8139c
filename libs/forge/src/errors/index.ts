export * from './forge-corrupt.error';
export * from './forge-lock.error';
export * from './forge-remote.error';
export * from './pull-request-not-found.error';
export * from './push-failed.error';
