export * from './adapters';
export * from './boot-service';
export * from './host';
export * from './queue-options';
export * from './worktree-client';
export * from './log-errors';
export * from './pause-control';
export * from './errors/missing-secret.error';
