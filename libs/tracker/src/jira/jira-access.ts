import type { Version3Client } from 'jira.js';

import { jiraMessages } from './jira-errors';

/** What Nightshift does in a project: read issues, move them, comment, add labels. */
export const JIRA_PERMISSIONS = ['BROWSE_PROJECTS', 'TRANSITION_ISSUES', 'ADD_COMMENTS', 'EDIT_ISSUES'];

/**
 * Problems `nightshift doctor` reports for a Jira tracker: a permission the token's account lacks in
 * a project, a project it cannot see, or a configured status that none of the project's workflows has.
 */
export async function jiraAccessProblems(
  client: Version3Client,
  projects: string[],
  states: string[],
): Promise<string[]> {
  const problems: string[] = [];
  for (const project of projects) {
    try {
      const mine = await client.permissions.getMyPermissions({
        projectKey: project,
        permissions: JIRA_PERMISSIONS.join(','),
      });
      const have = (mine.permissions ?? {}) as Record<string, { havePermission?: boolean }>;
      const missing = JIRA_PERMISSIONS.filter((p) => !have[p]?.havePermission);
      if (missing.length > 0)
        problems.push(
          `${project}: the token's account lacks ${missing.join(', ')} (grant them in the project's permission scheme)`,
        );
      const types = (await client.projects.getAllStatuses(project)) as Array<{ statuses?: Array<{ name?: string }> }>;
      const names = new Set(types.flatMap((t) => (t.statuses ?? []).map((s) => (s.name ?? '').toLowerCase())));
      const absent = states.filter((s) => !names.has(s.toLowerCase()));
      if (absent.length > 0)
        problems.push(
          `${project}: no status ${absent.map((s) => `"${s}"`).join(', ')} in its workflows (add them, or map tracker.states to existing statuses)`,
        );
    } catch (err) {
      problems.push(`${project}: ${jiraMessages(err)}`);
    }
  }
  return problems;
}
