import os from 'node:os';

import type { NightshiftConfig } from '@nightshift/config';
import { inertText, moveTicket, redactSecrets } from '@nightshift/domain';
import { EventLog, TicketCounters } from '@nightshift/state';

import { BadInputError } from '../errors/bad-input.error';
import { withRedis } from '../redis-client';

export interface RetryOptions {
  resetAttempts?: boolean;
  by?: string;
  reason?: string;
}

/**
 * `nightshift retry KEY`: a ticket Nightshift handed to a human goes back to the queue, with a comment saying who
 * and why. Its count of infrastructure failures starts over (as when a human moves it back on the tracker); with
 * `--reset-attempts`, its attempts too. Without it, a ticket whose attempts are spent is refused: the router
 * would hand it straight back.
 */
export async function retry(config: NightshiftConfig, key: string, opts: RetryOptions): Promise<void> {
  const { createTracker } = require('@nightshift/adapter-factories') as typeof import('@nightshift/adapter-factories');
  const tracker = createTracker(config);
  const { states } = config.tracker;
  const ticket = await tracker.getTicket(key);
  if (!ticket) throw new BadInputError(`no ticket ${key} on the ${config.tracker.kind} tracker`);
  if (ticket.state !== states.needsHuman)
    throw new BadInputError(
      `${key} is in "${ticket.state}", not "${states.needsHuman}": retry puts back a ticket Nightshift handed to a human`,
    );
  const who = redactSecrets(opts.by ?? os.userInfo().username);
  const reason = opts.reason && redactSecrets(opts.reason);
  const queue = states.queue[0]!;
  const moved = await withRedis(config, async (redis) => {
    const counters = new TicketCounters(redis);
    const spent = await counters.attemptsSpent(key);
    const max = config.routing.maxAttempts;
    if (spent >= max && !opts.resetAttempts)
      throw new BadInputError(
        `${key} has spent its ${max} attempts: \`nightshift retry ${key} --reset-attempts\` gives it ${max} more`,
      );
    const streak = await counters.infraStreak(key);
    await counters.clearInfraErrors(key);
    // Should it give up again, the human is told again.
    if (streak) await counters.forgetOnce(`infra-gave-up:${key}:${streak.fingerprint}`);
    await counters.endCoolDown(key);
    if (opts.resetAttempts) await counters.resetAttempts(key);
    const attempts = opts.resetAttempts
      ? `its attempts start over (${spent} were spent)`
      : `attempts spent so far: ${spent} of ${max}`;
    const comment = inertText(
      `Retried by ${who} with \`nightshift retry\`${reason ? `: ${reason}` : ''}.\n\nBack to ${queue}; the count of infrastructure failures starts over, ${attempts}.`,
    );
    const events = new EventLog(redis);
    await events.append({
      type: 'ticket.retried',
      ticket: key,
      detail: { by: who, resetAttempts: Boolean(opts.resetAttempts), ...(reason ? { reason } : {}) },
    });
    await moveTicket({ tracker, events }, key, queue, { from: ticket.state, why: `retry by ${who}` }, comment);
    return attempts;
  });
  process.stdout.write(`${key} -> ${queue} (${moved})\n`);
}
