import type { NightshiftConfig } from '@nightshift/config';
import { inertText, moveTicket, redactSecrets, type TicketBoard } from '@nightshift/domain';
import { EventLog, TicketCounters } from '@nightshift/state';
import type { Redis } from 'ioredis';

import { RetryRefusedError } from './errors/pause-input.error';

export interface RetryRequest {
  resetAttempts?: boolean;
  /** Who asked (a user name, or `console`); redacted before it is written anywhere. */
  by: string;
  reason?: string;
  /** How they asked, for the ticket's comment: `nightshift retry`, `the operator console`. */
  via: string;
}

export interface RetryDeps {
  tracker: TicketBoard & { getTicket(key: string): Promise<{ state: string } | null> };
  redis: Redis;
  config: NightshiftConfig;
}

/**
 * Puts a ticket Nightshift handed to a human back in the queue, with a comment saying who and why, and a
 * `ticket.retried` event. Its infrastructure-failure streak starts over; with resetAttempts, its attempts too.
 * Refuses (RetryRefusedError) a ticket not in Needs Human, or one whose attempts are spent without resetAttempts:
 * the router would hand it straight back. Returns the queue and a sentence about its attempts.
 */
export async function retryTicket(
  deps: RetryDeps,
  key: string,
  req: RetryRequest,
): Promise<{ queue: string; attempts: string }> {
  const { states } = deps.config.tracker;
  const ticket = await deps.tracker.getTicket(key);
  if (!ticket) throw new RetryRefusedError(`no ticket ${key} on the ${deps.config.tracker.kind} tracker`);
  if (ticket.state !== states.needsHuman)
    throw new RetryRefusedError(
      `${key} is in "${ticket.state}", not "${states.needsHuman}": retry puts back a ticket Nightshift handed to a human`,
    );
  const who = redactSecrets(req.by);
  const reason = req.reason && redactSecrets(req.reason);
  const queue = states.queue[0]!;
  const counters = new TicketCounters(deps.redis);
  const spent = await counters.attemptsSpent(key);
  const max = deps.config.routing.maxAttempts;
  if (spent >= max && !req.resetAttempts)
    throw new RetryRefusedError(
      `${key} has spent its ${max} attempts: \`nightshift retry ${key} --reset-attempts\` gives it ${max} more`,
    );
  const streak = await counters.infraStreak(key);
  await counters.clearInfraErrors(key);
  // Should it give up again, the human is told again.
  if (streak) await counters.forgetOnce(`infra-gave-up:${key}:${streak.fingerprint}`);
  await counters.endCoolDown(key);
  if (req.resetAttempts) await counters.resetAttempts(key);
  const attempts = req.resetAttempts
    ? `its attempts start over (${spent} were spent)`
    : `attempts spent so far: ${spent} of ${max}`;
  const comment = inertText(
    `Retried by ${who} with ${req.via}${reason ? `: ${reason}` : ''}.\n\nBack to ${queue}; the count of infrastructure failures starts over, ${attempts}.`,
  );
  const events = new EventLog(deps.redis);
  await events.append({
    type: 'ticket.retried',
    ticket: key,
    detail: { by: who, resetAttempts: Boolean(req.resetAttempts), ...(reason ? { reason } : {}) },
  });
  await moveTicket(
    { tracker: deps.tracker, events },
    key,
    queue,
    { from: ticket.state, why: `retry by ${who}` },
    comment,
  );
  return { queue, attempts };
}
