export { runGit, DEFAULT_GIT_TIMEOUT_MS, type RunGitOptions, type GitOutput } from './run-git';
export { redactCredentials } from './redact-url';
export { FALLBACK_IDENTITY } from './git-identity';
export {
  WorktreeStore,
  type WorktreeStoreOptions,
  type MirrorRepo,
  type CreateWorktreeInput,
  type WorktreeInfo,
} from './worktree-store';
export { hasChanges, commitAll, commitsAhead, pushBranch } from './commit-changes';
export { assertBranchName } from './ref-name';
export { makeBareRemote } from './testing/make-remote';
export { GitCommandError } from './errors/git-command.error';
export { UnsafePathError } from './errors/unsafe-path.error';
export { InvalidRefError } from './errors/invalid-ref.error';
export { BaseBranchMissingError } from './errors/base-branch-missing.error';
export { RepoLockError } from './errors/repo-lock.error';
