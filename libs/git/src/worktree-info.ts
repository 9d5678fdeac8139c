/** One worktree known to the store, from its directory, its git registration, or both. */
export interface WorktreeInfo {
  repo: string;
  worktreeKey: string;
  path: string;
  /** null when detached, or when the directory exists but git has no registration for it. */
  branch: string | null;
}

/** A local branch to delete (a terminal ticket's, once its PR is merged or closed). */
export interface BranchRef {
  repo: string;
  branch: string;
}
