export * from './tracker';
export * from './workflow-states';
export * from './local-board.tracker';
export * from './errors';
export * from './linear/linear.tracker';
export type { TeamStates } from './linear/team-states';
export * from './github/github-issues.tracker';
export * from './poll-interval';
