import type { Forge } from '@nightshift/forge';
import type { WorktreeStore } from '@nightshift/git';
import type { Logger } from 'pino';

/**
 * Deletes this host's local `agent/*` branches whose PR was merged or closed: the ticket is over, so
 * nothing will continue on them here. A branch still checked out (a worktree kept for a human) stays.
 */
export async function pruneFinishedBranches(forge: Forge, store: WorktreeStore, logger: Logger): Promise<number> {
  const finished = (await forge.listPrs()).filter((pr) => pr.state !== 'open' && pr.head.startsWith('agent/'));
  if (finished.length === 0) return 0;
  const { deleted, skipped } = await store.deleteLocalBranches(
    finished.map((pr) => ({ repo: pr.repo, branch: pr.head })),
  );
  if (deleted.length > 0 || skipped.length > 0)
    logger.info({ deleted: deleted.length, skipped: skipped.length }, 'pruned branches of merged or closed PRs');
  return deleted.length;
}
