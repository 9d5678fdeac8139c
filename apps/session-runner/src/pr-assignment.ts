import type { RepoConfig } from '@nightshift/config';
import type { PullRequestDraft } from '@nightshift/forge';

/** The repo's PR labels (plus the session's own, e.g. checks-failing), reviewers and assignees, as a draft's fields. */
export function prAssignment(
  pr: RepoConfig['pr'],
  extraLabels: string[] = [],
): Pick<PullRequestDraft, 'labels' | 'reviewers' | 'teamReviewers' | 'assignees'> {
  const labels = [...new Set([...pr.labels, ...extraLabels])];
  return {
    ...(labels.length ? { labels } : {}),
    ...(pr.reviewers.length ? { reviewers: pr.reviewers } : {}),
    ...(pr.teamReviewers.length ? { teamReviewers: pr.teamReviewers } : {}),
    ...(pr.assignees.length ? { assignees: pr.assignees } : {}),
  };
}
