export * from './boot-service';
