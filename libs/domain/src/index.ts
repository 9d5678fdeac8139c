export * from './outcome';
export * from './ticket';
export * from './branch';
export * from './route-ticket';
export * from './escalation';
export * from './infra-retry';
export * from './terminal-text';
