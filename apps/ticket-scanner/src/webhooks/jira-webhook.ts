import { createHmac, timingSafeEqual } from 'node:crypto';

import type { JiraTrackerConfig } from '@nightshift/config';

import type { WebhookAnswer, WebhookIntake } from './webhook-intake';

const ISSUE_EVENTS = new Set(['jira:issue_created', 'jira:issue_updated']);

/** True when `signature` (`X-Hub-Signature`) is `sha256=` + the hex HMAC-SHA256 of the raw body with `secret`. */
export function jiraSignatureValid(secret: string, rawBody: string, signature: string | undefined): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(signature ?? '');
  if (!m) return false;
  return timingSafeEqual(createHmac('sha256', secret).update(rawBody).digest(), Buffer.from(m[1]!, 'hex'));
}

/**
 * One Jira Cloud delivery (`POST /webhooks/jira`): the signature over the raw body, then an issue
 * created or updated in a configured project and a queue status is offered to intake, with the body's
 * signed `timestamp` as its age. Anything else is answered without asking Jira.
 */
export async function handleJiraDelivery(
  tracker: JiraTrackerConfig,
  secret: string,
  intake: WebhookIntake,
  raw: string,
  headers: { signature?: string; deliveryId?: string },
): Promise<WebhookAnswer> {
  if (!jiraSignatureValid(secret, raw, headers.signature))
    return intake.answer('jira', 'unauthorized', 401, 'missing or wrong X-Hub-Signature');
  let payload: {
    webhookEvent?: unknown;
    timestamp?: unknown;
    issue?: { key?: unknown; fields?: { status?: { name?: unknown } } };
  };
  try {
    payload = JSON.parse(raw) as typeof payload;
  } catch {
    return intake.answer('jira', 'malformed', 400, 'body is not JSON');
  }
  const key = payload.issue?.key;
  if (!ISSUE_EVENTS.has(String(payload.webhookEvent)) || typeof key !== 'string')
    return intake.answer('jira', 'ignored', 200, 'not an issue create/update');
  if (!tracker.projects.includes(key.slice(0, key.lastIndexOf('-'))))
    return intake.answer('jira', 'ignored', 200, `${key} belongs to no configured project`);
  const status = payload.issue?.fields?.status?.name;
  if (typeof status === 'string' && !tracker.states.queue.some((q) => q.toLowerCase() === status.toLowerCase()))
    return intake.answer('jira', 'ignored', 200, `${key} is not in a queue status`);
  if (typeof payload.timestamp !== 'number') return intake.answer('jira', 'malformed', 400, 'timestamp missing');
  return intake.offer('jira', key, headers.deliveryId, raw, payload.timestamp);
}
