export * from './schema';
export * from './load-config';
export * from './errors/config-error';
