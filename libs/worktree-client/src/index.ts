export * from './worktree-client';
