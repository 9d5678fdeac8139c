export * from './tracker';
export * from './workflow-states';
export * from './local-board.tracker';
export * from './errors';
