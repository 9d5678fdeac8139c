export * from './events';
export * from './memory-payloads';
export * from './payloads';
export * from './queues';
export * from './run-record';
