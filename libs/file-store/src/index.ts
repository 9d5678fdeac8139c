export * from './atomic-write';
export * from './file-lock';
export * from './keyed-mutex';
export * from './errors/file-lock.error';
