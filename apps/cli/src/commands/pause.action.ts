import type { NightshiftConfig } from '@nightshift/config';
import { notifierFromEnv } from '@nightshift/notify';
import { parseDuration as parseDurationMs, pauseScope, pauseScopeOf, resumeScope } from '@nightshift/pause-policy';
import { createLogger } from '@nightshift/service-shell';
import { describeScope, EventLog, PauseStore } from '@nightshift/state';

import { withRedis } from '../redis-client';

export interface ScopeOptions {
  account?: string;
}

/** `--for` value → milliseconds, naming the flag when it is not a duration. */
export function parseDuration(text: string): number {
  try {
    return parseDurationMs(text);
  } catch (err) {
    throw new Error(`--for ${(err as Error).message}`);
  }
}

export async function pause(
  config: NightshiftConfig,
  opts: ScopeOptions & { for?: string; reason: string },
): Promise<void> {
  const scope = pauseScopeOf(config, opts.account);
  const until = opts.for ? new Date(Date.now() + parseDuration(opts.for)) : null;
  await withRedis(config, async (redis) => {
    const notifier = notifierFromEnv(createLogger('cli', 'warn'), config.notifications.slackWebhookEnv);
    await pauseScope(
      { pauses: new PauseStore(redis), events: new EventLog(redis), notifier },
      scope,
      until,
      opts.reason,
      'cli',
    );
  });
  process.stdout.write(`paused ${describeScope(scope)} ${until ? `until ${until.toISOString()}` : 'until resumed'}\n`);
}

export async function resume(config: NightshiftConfig, opts: ScopeOptions): Promise<void> {
  const scope = pauseScopeOf(config, opts.account);
  const lifted = await withRedis(config, (redis) =>
    resumeScope(
      {
        redis,
        config,
        pauses: new PauseStore(redis),
        events: new EventLog(redis),
        notifier: notifierFromEnv(createLogger('cli', 'warn'), config.notifications.slackWebhookEnv),
      },
      scope,
      'a human',
    ),
  );
  process.stdout.write(lifted ? `resumed ${describeScope(scope)}\n` : `${describeScope(scope)} was not paused\n`);
}
