import type { RepoConfig } from '@nightshift/config';
import { assertMirrorIntact, locateWorktreeGit, type WorktreeGit } from '@nightshift/git';

import type { SessionDeps } from './session-deps';

/**
 * The worktree the agent worked in, as the runner's git must see it: git dir and work tree from the store layout
 * (never the worktree's `.git` file), its mirror checked against what Nightshift wrote (MirrorTamperedError
 * otherwise). Called before staging, committing and pushing.
 */
export async function trustedWorktree(deps: SessionDeps, repo: RepoConfig, worktree: string): Promise<WorktreeGit> {
  const wt = await locateWorktreeGit(deps.config.paths.worktrees, repo.name, worktree);
  await assertMirrorIntact(wt);
  return wt;
}
