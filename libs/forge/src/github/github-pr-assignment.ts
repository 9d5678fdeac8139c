import { classifyGitHubError, type GitHubClient } from '@nightshift/github-client';

/** What assigning a PR needs from the forge: the client, the repository, and the forge's error wrapping. */
export interface AssignmentContext {
  client: GitHubClient;
  where: { owner: string; repo: string };
  error(err: unknown, operation: string): Error;
}

/** The fields of a pull request that assigning reads and refreshes. */
export interface AssignablePull {
  number: number;
  requested_reviewers?: Array<{ login?: string }> | null;
  requested_teams?: Array<{ slug?: string }> | null;
  assignees?: Array<{ login?: string }> | null;
}

/**
 * Requests the reviews and adds the assignees a PR lacks. GitHub refuses a whole review request when one
 * reviewer is not a collaborator (422) and silently drops an assignee without access: neither may undo an
 * open PR, so both come back as `refused` lines for the caller to record. Anything else (auth, rate
 * limit, outage) throws as every forge call does.
 */
export async function assignPr(
  ctx: AssignmentContext,
  pr: AssignablePull,
  want: { reviewers?: string[]; teamReviewers?: string[]; assignees?: string[] },
): Promise<string[]> {
  const refused: string[] = [];
  const { owner, repo } = ctx.where;
  const reviewers = want.reviewers ?? [];
  const teams = want.teamReviewers ?? [];
  if (reviewers.length || teams.length) {
    const what = `requesting reviews on PR #${pr.number} of ${owner}/${repo}`;
    try {
      const { data } = await ctx.client.rest.pulls.requestReviewers({
        owner,
        repo,
        pull_number: pr.number,
        reviewers,
        team_reviewers: teams,
      });
      pr.requested_reviewers = data.requested_reviewers;
      pr.requested_teams = data.requested_teams;
    } catch (err) {
      const failure = classifyGitHubError(err);
      if (failure.kind !== 'invalid') throw ctx.error(err, what);
      refused.push(`review request (${[...reviewers, ...teams].join(', ')}): ${failure.message}`);
    }
  }
  const have = new Set((pr.assignees ?? []).map((a) => (a.login ?? '').toLowerCase()));
  const missing = (want.assignees ?? []).filter((a) => !have.has(a.toLowerCase()));
  if (missing.length) {
    const what = `assigning PR #${pr.number} of ${owner}/${repo}`;
    let data: { assignees?: Array<{ login?: string }> | null };
    try {
      ({ data } = await ctx.client.rest.issues.addAssignees({
        owner,
        repo,
        issue_number: pr.number,
        assignees: missing,
      }));
    } catch (err) {
      throw ctx.error(err, what);
    }
    pr.assignees = data.assignees ?? [];
    const now = new Set(pr.assignees.map((a) => (a.login ?? '').toLowerCase()));
    const dropped = missing.filter((a) => !now.has(a.toLowerCase()));
    if (dropped.length) refused.push(`assignees without access to ${owner}/${repo}: ${dropped.join(', ')}`);
  }
  return refused;
}

/** `{ [field]: logins }` when there are any, else nothing (records stay as they were before these fields). */
export function logins<K extends string>(
  field: K,
  users: Array<{ login?: string }> | null | undefined,
): Partial<Record<K, string[]>> {
  const names = (users ?? []).map((u) => u.login ?? '').filter(Boolean);
  return names.length ? ({ [field]: names } as Partial<Record<K, string[]>>) : {};
}
