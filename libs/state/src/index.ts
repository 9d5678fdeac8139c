export * from './keys';
export * from './claims';
export * from './ticket-counters';
export * from './event-log';
export * from './run-store';
export * from './session-registry';
export * from './pause-store';
export * from './worktree-ownership';
