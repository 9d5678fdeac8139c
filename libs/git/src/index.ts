export { type BaseStanding, baseStanding, mergeBaseForResolution, type MergeConflicts, rebaseOnto } from './base-move';
export {
  commitAll,
  type CommitIdentity,
  commitsAhead,
  diffStat,
  headCommit,
  pushBranch,
  type PushOptions,
  stageChanges,
} from './commit-changes';
export { DiskUsage, type DiskUsageOptions } from './disk-usage';
export { BaseBranchMissingError } from './errors/base-branch-missing.error';
export { GitCommandError } from './errors/git-command.error';
export { HookFailedError, type HookFailure } from './errors/hook-failed.error';
export { InvalidRefError } from './errors/invalid-ref.error';
export { MirrorTamperedError } from './errors/mirror-tampered.error';
export { RepoLockError } from './errors/repo-lock.error';
export { UnsafePathError } from './errors/unsafe-path.error';
export { hardenedGitEnv, neutralConfigArgs, NO_HOOKS_PATH } from './git-hardening';
export { FALLBACK_IDENTITY } from './git-identity';
export { HOOK_KINDS, type HookKind, type WorktreeCommandKind } from './hooks/hook-kind';
export {
  DEFAULT_HOOK_OUTPUT_BYTES,
  hookEnv,
  type HookResult,
  type HookSpawn,
  type HookSpawnLayer,
  runHook,
  type RunHookOptions,
} from './hooks/run-hook';
export { assertInsideRoot, assertSafeLaunch, type LaunchTarget } from './launch-safety';
export { assertMirrorIntact } from './mirror-integrity';
export { CHECK_SCRIPT_RULE, PROTECTED_GLOBS, PROTECTED_PATH_RULE } from './push-gate/protected-paths';
export {
  checkBeforePush,
  describeFindings,
  type PushBlockReason,
  type PushGatePolicy,
  type PushGateVerdict,
} from './push-gate/push-gate';
export { type ChangedFile, readChange } from './push-gate/read-change';
export {
  DIRECTOR_SECRET_RULE,
  type GateFinding,
  scanForSecrets,
  type SecretAllowEntry,
} from './push-gate/scan-secrets';
export { assertBranchName } from './ref-name';
export { DEFAULT_GIT_TIMEOUT_MS, type GitOutput, runGit, type RunGitOptions } from './run-git';
export { makeBareRemote } from './testing/make-remote';
export { gitLocation, locateWorktreeGit, type WorktreeGit, type WorktreeRef } from './worktree-git';
export type { BranchRef, WorktreeInfo } from './worktree-info';
export { type CreateWorktreeInput, type MirrorRepo, WorktreeStore, type WorktreeStoreOptions } from './worktree-store';
