export * from './atomic-write';
export * from './file-lock';
export * from './keyed-mutex';
