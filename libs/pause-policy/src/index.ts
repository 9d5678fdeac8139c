export * from './pause-policy';
export * from './pause-input';
export * from './errors/pause-input.error';
