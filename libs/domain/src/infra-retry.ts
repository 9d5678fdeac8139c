import { createHash } from 'node:crypto';

import type { Ticket } from './ticket';

/** The longest wait between two retries after infrastructure failures. */
export const MAX_INFRA_RETRY_DELAY_MS = 60 * 60_000;

export type InfraRetryDecision = { kind: 'retry'; delayMs: number } | { kind: 'needs_human' };

/**
 * What follows the `streak`-th `infra_error` in a row for one ticket: another try after a delay that
 * doubles each time (retryDelay, 2×, 4×, … capped at an hour), or, at `maxInfraRetries`, a human.
 * infra_error spends no attempt, so without this bound a broken agent command retries forever.
 */
export function decideInfraRetry(
  streak: number,
  opts: { maxInfraRetries: number; retryDelayMs: number },
): InfraRetryDecision {
  if (streak >= opts.maxInfraRetries) return { kind: 'needs_human' };
  const delayMs = Math.min(MAX_INFRA_RETRY_DELAY_MS, opts.retryDelayMs * 2 ** Math.max(0, streak - 1));
  return { kind: 'retry', delayMs };
}

/**
 * What a fix would change: the configuration and the ticket's own text (title, description, labels).
 * Comments are left out on purpose: Nightshift comments on the ticket itself when it gives up, and
 * that must not make the ticket look fixed. A ticket that gave up runs again once this changes.
 */
export function infraFingerprint(ticket: Pick<Ticket, 'title' | 'description' | 'labels'>, config: unknown): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(config));
  hash.update('\0');
  hash.update(JSON.stringify([ticket.title, ticket.description, [...ticket.labels].sort()]));
  return hash.digest('hex').slice(0, 16);
}
