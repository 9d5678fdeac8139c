import type { RepoConfig } from '@nightshift/config';
import type { SessionJob } from '@nightshift/contracts';
import { redactSecrets } from '@nightshift/domain';
import { mergeBaseForResolution, type WorktreeRef } from '@nightshift/git';

/** The conflicting hunks shown in the prompt are cut past this many bytes in all; the files are in the worktree. */
const MAX_HUNK_BYTES = 8000;

/**
 * For a follow-up sent because the base moved: merges the base into the PR's branch in the worktree (no commit),
 * leaving the conflict markers for the agent, and returns the prompt's part naming the conflicted files, their
 * conflicting hunks and the base commits that caused them. The session's commit concludes the merge, so the
 * pushed branch descends from the new base without rewriting the PR's history. Empty for any other session.
 */
export async function conflictSection(job: SessionJob, repo: RepoConfig, worktree: WorktreeRef): Promise<string> {
  if (job.followUp?.trigger !== 'base-moved') return '';
  const merged = await mergeBaseForResolution(worktree, `refs/remotes/origin/${repo.baseBranch}`, MAX_HUNK_BYTES);
  const { baseCommits } = merged;
  const parts = [
    `The base branch ${repo.baseBranch} moved since this pull request was pushed; ${repo.baseBranch} is merged into this worktree now, not yet committed.`,
  ];
  if (merged.files.length === 0)
    parts.push('The merge went through without conflicts: make the change work with the new base (run its checks).');
  else
    parts.push(
      `It conflicts on ${merged.files.length} file(s): ${merged.files.join(', ')}. Resolve every conflict (remove the <<<<<<< ======= >>>>>>> markers, keeping what both sides meant), then leave the result in the worktree; Nightshift commits the merge and pushes it to the same pull request.`,
      '',
      ...merged.hunks.flatMap((h) => [`Conflicting hunks in ${h.file}:`, '```diff', h.text.trimEnd(), '```', '']),
    );
  if (baseCommits.length)
    parts.push(`The commits on ${repo.baseBranch} this branch did not have:`, ...baseCommits.map((c) => `- ${c}`), '');
  return redactSecrets(parts.join('\n'));
}
