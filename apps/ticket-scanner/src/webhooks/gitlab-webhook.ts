import { timingSafeEqual } from 'node:crypto';

import type { GitLabTrackerConfig } from '@nightshift/config';

import type { WebhookAnswer, WebhookIntake } from './webhook-intake';

/** True when `X-Gitlab-Token` is the configured secret (GitLab sends it as is; it signs nothing). */
export function gitlabTokenValid(secret: string, token: string | undefined): boolean {
  const a = Buffer.from(secret);
  const b = Buffer.from(token ?? '');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * One GitLab delivery (`POST /webhooks/gitlab`, an "Issue Hook"): the secret token, then an open issue
 * of a configured project carrying a queue label is offered to intake, its `updated_at` as its age.
 */
export async function handleGitLabDelivery(
  tracker: GitLabTrackerConfig,
  secret: string,
  intake: WebhookIntake,
  raw: string,
  headers: { token?: string; event?: string; deliveryId?: string },
): Promise<WebhookAnswer> {
  if (!gitlabTokenValid(secret, headers.token))
    return intake.answer('gitlab', 'unauthorized', 401, 'missing or wrong X-Gitlab-Token');
  let payload: {
    object_kind?: unknown;
    project?: { path_with_namespace?: unknown };
    object_attributes?: { iid?: unknown; state?: unknown; updated_at?: unknown };
    labels?: Array<{ title?: unknown }>;
  };
  try {
    payload = JSON.parse(raw) as typeof payload;
  } catch {
    return intake.answer('gitlab', 'malformed', 400, 'body is not JSON');
  }
  const issue = payload.object_attributes ?? {};
  const source = tracker.projects.find((p) => p.project === payload.project?.path_with_namespace);
  if (payload.object_kind !== 'issue' || typeof issue.iid !== 'number' || !source)
    return intake.answer('gitlab', 'ignored', 200, 'not an issue event of a configured project');
  const queued =
    issue.state === 'opened' && (payload.labels ?? []).some((l) => tracker.states.queue.includes(String(l.title)));
  if (!queued) return intake.answer('gitlab', 'ignored', 200, 'issue carries no queue label');
  const at = typeof issue.updated_at === 'string' ? Date.parse(issue.updated_at) : Number.NaN;
  if (Number.isNaN(at)) return intake.answer('gitlab', 'malformed', 400, 'object_attributes.updated_at missing');
  return intake.offer('gitlab', `${source.keyPrefix}-${issue.iid}`, headers.deliveryId, raw, at);
}
