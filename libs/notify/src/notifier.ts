import { redactSecrets, secretValuesFromEnv } from '@nightshift/domain';
import type { Logger } from 'pino';

export type NotificationKind = 'pause' | 'resume' | 'needs_human';

export interface Notification {
  kind: NotificationKind;
  text: string;
}

/** Where humans hear about pauses, resumes and tickets that need them. */
export interface Notifier {
  notify(notification: Notification): Promise<void>;
}

/** No channel configured: notifications only reach the log. */
export class LogNotifier implements Notifier {
  constructor(private readonly logger: Logger) {}

  async notify(n: Notification): Promise<void> {
    this.logger.info({ notification: n.kind }, redactSecrets(n.text));
  }
}

/**
 * Slack incoming webhook. The URL is itself a secret: it comes from the environment and never
 * appears in logs. Text is redacted before it leaves. A failed post is logged, never thrown: a
 * notification must not fail the session that triggered it.
 */
export class SlackNotifier implements Notifier {
  constructor(
    private readonly webhookUrl: string,
    private readonly logger: Logger,
    private readonly timeoutMs = 5000,
  ) {}

  async notify(n: Notification): Promise<void> {
    const icon =
      n.kind === 'pause' ? ':double_vertical_bar:' : n.kind === 'resume' ? ':arrow_forward:' : ':raising_hand:';
    try {
      const res = await fetch(this.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          text: `${icon} Nightshift: ${slackEscape(redactSecrets(n.text, [...secretValuesFromEnv(), this.webhookUrl]))}`,
        }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!res.ok)
        this.logger.warn({ status: res.status, notification: n.kind }, 'Slack webhook refused the notification');
    } catch (err) {
      this.logger.warn(
        { notification: n.kind, err: err instanceof Error ? err.name : 'error' },
        'Slack webhook unreachable; notification dropped',
      );
    }
  }
}

/**
 * Slack's own escaping for message text (`&`, `<`, `>`): a ticket title or agent text relayed here cannot become
 * `<!channel>`, `<@U123>` or a `<url|label>` link.
 */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack when `SLACK_WEBHOOK_URL` (or the named variable) is set, else the log. */
export function notifierFromEnv(
  logger: Logger,
  envName = 'SLACK_WEBHOOK_URL',
  env: NodeJS.ProcessEnv = process.env,
): Notifier {
  const url = env[envName];
  return url ? new SlackNotifier(url, logger) : new LogNotifier(logger);
}
