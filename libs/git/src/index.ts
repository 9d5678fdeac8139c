export { runGit, DEFAULT_GIT_TIMEOUT_MS, type RunGitOptions, type GitOutput } from './run-git';
export { FALLBACK_IDENTITY } from './git-identity';
export {
  WorktreeStore,
  type WorktreeStoreOptions,
  type MirrorRepo,
  type CreateWorktreeInput,
  type WorktreeInfo,
  type BranchRef,
} from './worktree-store';
export { runHook, hookEnv, DEFAULT_HOOK_OUTPUT_BYTES, type RunHookOptions, type HookResult } from './hooks/run-hook';
export { HOOK_KINDS, type HookKind, type WorktreeCommandKind } from './hooks/hook-kind';
export { assertInsideRoot, assertSafeLaunch, type LaunchTarget } from './launch-safety';
export { DiskUsage, type DiskUsageOptions } from './disk-usage';
export { stageChanges, commitAll, commitsAhead, diffStat, pushBranch, type CommitIdentity, type PushOptions } from './commit-changes';
export { assertBranchName } from './ref-name';
export { makeBareRemote } from './testing/make-remote';
export { GitCommandError } from './errors/git-command.error';
export { UnsafePathError } from './errors/unsafe-path.error';
export { InvalidRefError } from './errors/invalid-ref.error';
export { BaseBranchMissingError } from './errors/base-branch-missing.error';
export { RepoLockError } from './errors/repo-lock.error';
export { HookFailedError, type HookFailure } from './errors/hook-failed.error';
