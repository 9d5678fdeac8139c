import os from 'node:os';

import type { NightshiftConfig } from '@nightshift/config';
import { RetryRefusedError, retryTicket } from '@nightshift/pause-policy';

import { BadInputError } from '../errors/bad-input.error';
import { withRedis } from '../redis-client';

export interface RetryOptions {
  resetAttempts?: boolean;
  by?: string;
  reason?: string;
}

/**
 * `nightshift retry KEY`: a ticket Nightshift handed to a human goes back to the queue (see retryTicket, which the
 * operator console's Retry button calls too). Without `--reset-attempts`, a ticket whose attempts are spent is refused.
 */
export async function retry(config: NightshiftConfig, key: string, opts: RetryOptions): Promise<void> {
  const { createTracker } = require('@nightshift/adapter-factories') as typeof import('@nightshift/adapter-factories');
  const tracker = createTracker(config);
  const { queue, attempts } = await withRedis(config, async (redis) => {
    try {
      return await retryTicket({ tracker, redis, config }, key, {
        by: opts.by ?? os.userInfo().username,
        via: '`nightshift retry`',
        ...(opts.resetAttempts ? { resetAttempts: true } : {}),
        ...(opts.reason ? { reason: opts.reason } : {}),
      });
    } catch (err) {
      if (err instanceof RetryRefusedError) throw new BadInputError(err.message);
      throw err;
    }
  });
  process.stdout.write(`${key} -> ${queue} (${attempts})\n`);
}
