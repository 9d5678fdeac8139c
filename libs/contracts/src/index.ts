export * from './queues';
export * from './payloads';
export * from './events';
export * from './run-record';
export * from './memory-payloads';
