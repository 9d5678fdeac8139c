export * from './fleet-state';
export * from './reap-session';
