import type { NightshiftConfig } from '@nightshift/config';
import { sessionQueueName } from '@nightshift/contracts';
import { notifierFromEnv } from '@nightshift/notify';
import { createLogger } from '@nightshift/service-shell';
import { describeScope, EventLog, PauseStore, type PauseScope } from '@nightshift/state';
import { pauseScope } from '@nightshift/wiring';
import { withRedis } from '../redis-client';
import { capabilities, withQueue } from './queues';

export interface ScopeOptions {
  account?: string;
}

function scopeOf(config: NightshiftConfig, opts: ScopeOptions): PauseScope {
  if (!opts.account) return { kind: 'intake' };
  if (!config.agent.accounts.some((a) => a.name === opts.account)) {
    throw new Error(`no agent account "${opts.account}" in ${config.file} (known: ${config.agent.accounts.map((a) => a.name).join(', ')})`);
  }
  return { kind: 'account', account: opts.account };
}

/** `30m`, `2h`, `90s` → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(text.trim());
  if (!match) throw new Error(`--for "${text}" is not a duration like 90s, 30m, 2h or 1d`);
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
}

export async function pause(config: NightshiftConfig, opts: ScopeOptions & { for?: string; reason: string }): Promise<void> {
  const scope = scopeOf(config, opts);
  const until = opts.for ? new Date(Date.now() + parseDuration(opts.for)) : null;
  await withRedis(config, async (redis) => {
    const notifier = notifierFromEnv(createLogger('cli', 'warn'), config.notifications.slackWebhookEnv);
    await pauseScope({ pauses: new PauseStore(redis), events: new EventLog(redis), notifier }, scope, until, opts.reason, 'cli');
  });
  process.stdout.write(`paused ${describeScope(scope)} ${until ? `until ${until.toISOString()}` : 'until resumed'}\n`);
}

export async function resume(config: NightshiftConfig, opts: ScopeOptions): Promise<void> {
  const scope = scopeOf(config, opts);
  const lifted = await withRedis(config, async (redis) => {
    const pause = await new PauseStore(redis).resume(scope);
    if (pause) {
      await new EventLog(redis).append({ type: 'pause.ended', detail: { scope: describeScope(scope), reason: 'resumed by a human' } });
      await notifierFromEnv(createLogger('cli', 'warn'), config.notifications.slackWebhookEnv).notify({ kind: 'resume', text: `resumed ${describeScope(scope)} (by a human)` });
      // An account pause may have put its capability queues on BullMQ's rate limit: lift that too.
      if (scope.kind === 'account') await Promise.all(capabilities(config).map((c) => withQueue(redis, sessionQueueName(c), (q) => q.removeRateLimitKey())));
    }
    return pause;
  });
  process.stdout.write(lifted ? `resumed ${describeScope(scope)}\n` : `${describeScope(scope)} was not paused\n`);
}
