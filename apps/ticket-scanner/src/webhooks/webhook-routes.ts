import { MissingSecretError } from '@nightshift/adapter-factories';
import type { NightshiftConfig } from '@nightshift/config';
import { Webhooks } from '@octokit/webhooks';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { handleGitLabDelivery } from './gitlab-webhook';
import { handleJiraDelivery } from './jira-webhook';
import { linearSignatureValid, linearTimestampFresh } from './verify-linear';
import type { WebhookAnswer, WebhookIntake } from './webhook-intake';

const ISSUE_ACTIONS = new Set(['opened', 'reopened', 'labeled', 'edited', 'transferred']);

/**
 * The tracker's webhook endpoint, when `tracker.webhook.secretEnv` is configured:
 * `POST /webhooks/linear` (Linear-Signature over the raw body + a fresh signed timestamp) or
 * `POST /webhooks/github` (X-Hub-Signature-256, verified by @octokit/webhooks), `POST /webhooks/jira`
 * (X-Hub-Signature, jira-webhook.ts), `POST /webhooks/gitlab` (X-Gitlab-Token, gitlab-webhook.ts). Returns a route
 * registrar for `runtime.routes`, or null when webhooks are not configured.
 */
export function webhookRoutes(
  config: NightshiftConfig,
  intake: WebhookIntake,
  env: NodeJS.ProcessEnv = process.env,
): ((app: FastifyInstance) => Promise<void>) | null {
  const tracker = config.tracker;
  if (tracker.kind === 'local' || !tracker.webhook) return null;
  const secret = env[tracker.webhook.secretEnv]?.trim();
  if (!secret) throw new MissingSecretError(tracker.webhook.secretEnv, 'tracker.webhook.secretEnv');
  const reply = (res: FastifyReply, answer: WebhookAnswer) => res.code(answer.status).send(answer.body);

  return async (app) => {
    // Encapsulated so only these routes see the raw body (signatures are over the exact bytes sent).
    await app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

      if (tracker.kind === 'gitlab') {
        scope.post('/webhooks/gitlab', async (req: FastifyRequest, res) => {
          const raw = typeof req.body === 'string' ? req.body : '';
          return reply(
            res,
            await handleGitLabDelivery(tracker, secret, intake, raw, {
              token: header(req, 'x-gitlab-token'),
              deliveryId: header(req, 'x-gitlab-event-uuid'),
            }),
          );
        });
      } else if (tracker.kind === 'jira') {
        scope.post('/webhooks/jira', async (req: FastifyRequest, res) => {
          const raw = typeof req.body === 'string' ? req.body : '';
          return reply(
            res,
            await handleJiraDelivery(tracker, secret, intake, raw, {
              signature: header(req, 'x-hub-signature'),
              deliveryId: header(req, 'x-atlassian-webhook-identifier'),
            }),
          );
        });
      } else if (tracker.kind === 'linear') {
        const teams = new Set(tracker.teams.map((t) => t.key));
        const queueNames = new Set([...tracker.states.queue, ...tracker.teams.flatMap((t) => t.states?.queue ?? [])]);
        scope.post('/webhooks/linear', async (req: FastifyRequest, res) => {
          const raw = typeof req.body === 'string' ? req.body : '';
          if (!linearSignatureValid(secret, raw, header(req, 'linear-signature')))
            return reply(res, intake.answer('linear', 'unauthorized', 401, 'missing or wrong Linear-Signature'));
          const payload = parse(raw);
          if (!payload) return reply(res, intake.answer('linear', 'malformed', 400, 'body is not a JSON object'));
          if (!linearTimestampFresh(payload))
            return reply(
              res,
              intake.answer('linear', 'unauthorized', 401, 'webhookTimestamp missing or more than a minute away'),
            );
          const data = (payload['data'] ?? {}) as { identifier?: unknown; state?: { name?: unknown } };
          const key = typeof data.identifier === 'string' ? data.identifier : undefined;
          if (payload['type'] !== 'Issue' || payload['action'] === 'remove' || !key)
            return reply(res, intake.answer('linear', 'ignored', 200, 'not an issue create/update'));
          if (!teams.has(key.slice(0, key.lastIndexOf('-'))))
            return reply(res, intake.answer('linear', 'ignored', 200, `${key} belongs to no configured team`));
          // Most updates are about issues outside the queue: answer those without asking Linear anything.
          if (typeof data.state?.name === 'string' && !queueNames.has(data.state.name))
            return reply(res, intake.answer('linear', 'ignored', 200, `${key} is not in a queue state`));
          return reply(
            res,
            await intake.offer(
              'linear',
              key,
              header(req, 'linear-delivery'),
              raw,
              payload['webhookTimestamp'] as number,
            ),
          );
        });
      } else {
        const webhooks = new Webhooks({ secret });
        const queueLabels = new Set(tracker.states.queue.map((l) => l.toLowerCase()));
        scope.post('/webhooks/github', async (req: FastifyRequest, res) => {
          const raw = typeof req.body === 'string' ? req.body : '';
          const signature = header(req, 'x-hub-signature-256');
          const valid = signature ? await webhooks.verify(raw, signature).catch(() => false) : false;
          if (!valid)
            return reply(res, intake.answer('github', 'unauthorized', 401, 'missing or wrong X-Hub-Signature-256'));
          const payload = parse(raw);
          if (!payload) return reply(res, intake.answer('github', 'malformed', 400, 'body is not a JSON object'));
          const event = header(req, 'x-github-event');
          if (event === 'ping') return reply(res, intake.answer('github', 'ignored', 200, 'pong'));
          const issue = (payload['issue'] ?? {}) as {
            number?: unknown;
            state?: unknown;
            updated_at?: unknown;
            labels?: Array<{ name?: unknown }>;
            pull_request?: unknown;
          };
          const repo = ((payload['repository'] ?? {}) as { full_name?: unknown }).full_name;
          const source = tracker.repos.find(
            (r) => typeof repo === 'string' && r.repo.toLowerCase() === repo.toLowerCase(),
          );
          if (
            event !== 'issues' ||
            !ISSUE_ACTIONS.has(String(payload['action'])) ||
            typeof issue.number !== 'number' ||
            issue.pull_request ||
            !source
          ) {
            return reply(res, intake.answer('github', 'ignored', 200, 'not an issue event of a configured repo'));
          }
          const queued =
            issue.state === 'open' &&
            (issue.labels ?? []).some((l) => typeof l.name === 'string' && queueLabels.has(l.name.toLowerCase()));
          if (!queued) return reply(res, intake.answer('github', 'ignored', 200, 'issue carries no queue label'));
          // GitHub signs no timestamp of its own; the issue's updated_at is inside the signed body.
          const signedAt = typeof issue.updated_at === 'string' ? Date.parse(issue.updated_at) : Number.NaN;
          if (Number.isNaN(signedAt))
            return reply(res, intake.answer('github', 'malformed', 400, 'issue.updated_at missing'));
          return reply(
            res,
            await intake.offer(
              'github',
              `${source.keyPrefix}-${issue.number}`,
              header(req, 'x-github-delivery'),
              raw,
              signedAt,
            ),
          );
        });
      }
    });
  };
}

function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parse(raw: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
