export * from './errors/pause-input.error';
export * from './pause-input';
export * from './pause-policy';
export * from './retry-ticket';
