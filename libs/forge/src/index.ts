export * from './forge';
export * from './local-forge';
export * from './errors';
