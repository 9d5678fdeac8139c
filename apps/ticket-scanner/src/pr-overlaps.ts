import type { RepoConfig } from '@nightshift/config';
import type { PrBatch } from '@nightshift/follow-up-policy';
import type { PullRequest } from '@nightshift/forge';

import type { BaseMoveDeps } from './base-move-actions';
import type { BaseMoveClone } from './rebase-pr';

const MAX_FILES_NAMED = 10;

/**
 * Two open Nightshift PRs of one repo that change the same files will conflict once the first merges. The later
 * one (by opening time) says so once on its lead ticket, naming the earlier PR and the files: it is handled after
 * that one merges (the base-move watch rebases it or gives it a session then), rather than raced. Returns the
 * PRs noted this call.
 */
export async function noteOverlaps(
  deps: Pick<BaseMoveDeps, 'tracker' | 'counters' | 'events'>,
  clone: BaseMoveClone,
  repo: RepoConfig,
  prs: PullRequest[],
  batches: Map<string, PrBatch>,
): Promise<string[]> {
  if (prs.length < 2) return [];
  const ordered = [...prs].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.number - b.number);
  const files = new Map<string, Set<string>>();
  for (const pr of ordered) files.set(pr.url, new Set(await clone.changedFiles(pr.head)));
  const noted: string[] = [];
  for (const [j, later] of ordered.entries()) {
    for (const earlier of ordered.slice(0, j)) {
      const shared = [...files.get(later.url)!].filter((f) => files.get(earlier.url)!.has(f)).sort();
      if (shared.length === 0) continue;
      if (!(await deps.counters.once(`pr-overlap:${later.url}:${earlier.url}`))) continue;
      const lead = batches.get(later.url)?.tickets[0] ?? later.tickets[0];
      if (!lead) continue;
      const named = shared.slice(0, MAX_FILES_NAMED).join(', ') + (shared.length > MAX_FILES_NAMED ? ', …' : '');
      await deps.tracker.comment(
        lead,
        `${later.url} changes the same files as ${earlier.url} (${named}): it will conflict once that one merges. Nightshift handles it then (a rebase, or a session on its branch with the conflict), rather than racing the two; merge ${earlier.url} first.`,
      );
      await deps.events.append({
        type: 'pr.overlaps',
        repo: repo.name,
        ticket: lead,
        detail: { url: later.url, with: earlier.url, files: shared.slice(0, MAX_FILES_NAMED).join(',') },
      });
      noted.push(later.url);
    }
  }
  return noted;
}
