import type { FakeJiraIssue, JiraStore } from './jira-store';

/** An answer of the fake Jira: status, JSON body, extra headers. */
export type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/** Jira's error body: `errorMessages` and per-field `errors`. */
export const err = (status: number, messages: string[], errors: Record<string, string> = {}): Answer => ({
  status,
  body: { errorMessages: messages, errors },
});

/** GET /rest/api/3/mypermissions?projectKey&permissions: which of the asked permissions the account has. */
export function myPermissions(store: JiraStore, granted: string[], url: URL): Answer {
  const project = url.searchParams.get('projectKey');
  if (project && !store.projects.some((p) => p.key === project))
    return err(404, [`No project could be found with key '${project}'.`]);
  const asked = (url.searchParams.get('permissions') ?? '').split(',').filter(Boolean);
  if (asked.length === 0) return err(400, ['The permissions query parameter is required.']);
  const permissions = Object.fromEntries(
    asked.map((key) => [key, { key, name: key, havePermission: granted.includes(key) }]),
  );
  return { status: 200, body: { permissions } };
} /** POST /rest/api/3/issue/bulkfetch: up to 100 issues by key, the unknown ones in issueErrors. */
export function bulkFetch(store: JiraStore, site: string, body: Record<string, unknown>): Answer {
  const keys = (body['issueIdsOrKeys'] ?? []) as string[];
  if (keys.length === 0 || keys.length > 100) return err(400, ['issueIdsOrKeys must hold between 1 and 100 issues.']);
  const fields = (body['fields'] ?? ['*navigable']) as string[];
  const issues = keys.map((k) => store.find(k)).filter((i): i is FakeJiraIssue => i !== undefined);
  const issueErrors = keys
    .filter((k) => !store.find(k))
    .map((k) => ({ issueIdOrKey: k, errorMessage: 'Issue does not exist or you do not have permission to see it.' }));
  return { status: 200, body: { issues: issues.map((i) => store.toJson(i, fields, site)), issueErrors } };
} /** GET /rest/api/3/workflowscheme/project?projectId: the scheme (one workflow for every issue type). */
export function workflowScheme(store: JiraStore, url: URL): Answer {
  const ids = url.searchParams.getAll('projectId').flatMap((v) => v.split(','));
  return {
    status: 200,
    body: {
      values: ids.map((id) => ({
        projectIds: [id],
        workflowScheme: {
          id: 10100,
          name: 'Fake workflow scheme',
          defaultWorkflow: store.workflow.name,
          issueTypeMappings: {},
        },
      })),
    },
  };
}
