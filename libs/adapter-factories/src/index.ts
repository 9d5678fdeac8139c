export * from './adapters';
export * from './agent-permissions';
export * from './errors/missing-secret.error';
