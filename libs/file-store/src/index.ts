export * from './atomic-write';
export * from './errors/file-lock.error';
export * from './file-lock';
export * from './keyed-mutex';
export * from './private-paths';
