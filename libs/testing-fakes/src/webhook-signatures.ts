import { createHmac } from 'node:crypto';

/** The `Linear-Signature` header Linear sends: hex HMAC-SHA256 of the raw body with the webhook's secret. */
export function linearSignature(secret: string, rawBody: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/** The `X-Hub-Signature-256` header GitHub sends: `sha256=` + hex HMAC-SHA256 of the raw body. */
export function githubSignature(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** The `X-Hub-Signature` header a Jira Cloud webhook with a secret sends: `sha256=` + hex HMAC-SHA256 of the raw body. */
export function jiraSignature(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}
