export * from './notifier';
