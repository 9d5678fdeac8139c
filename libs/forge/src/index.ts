export * from './forge';
