import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { NightshiftConfig } from '@nightshift/config';
import { sessionQueueName } from '@nightshift/contracts';
import type { Notifier } from '@nightshift/notify';
import { describeScope, type EventLog, type Pause, type PauseScope, type PauseStore } from '@nightshift/state';
import { BadDurationError, UnknownAccountError } from './errors/pause-input.error';

/** Pauses a scope for everyone (every host reads the same Redis), announcing it once: event and notification. */
export async function pauseScope(
  deps: { pauses: PauseStore; events: EventLog; notifier: Notifier },
  scope: PauseScope,
  until: Date | null,
  reason: string,
  by: string,
): Promise<void> {
  const fresh = await deps.pauses.pause({ scope, until: until?.toISOString() ?? null, reason, by });
  if (!fresh) return;
  const what = describeScope(scope);
  const when = until ? `until ${until.toISOString()}` : 'until a human resumes it (nightshift resume)';
  await deps.events.append({ type: 'pause.started', detail: { scope: what, until: until?.toISOString() ?? 'manual', reason: reason.slice(0, 200) } });
  await deps.notifier.notify({ kind: 'pause', text: `paused ${what} ${when}: ${reason}` });
}
/**
 * Pauses end by themselves at their reset instant; this notices when one has, and says so once
 * (event + notification) across all scanners.
 */
export async function announceEndedPauses(deps: { pauses: PauseStore; events: EventLog; notifier: Notifier }, now = new Date()): Promise<number> {
  const ended = await deps.pauses.expire(now);
  for (const pause of ended) {
    const what = describeScope(pause.scope);
    await deps.events.append({ type: 'pause.ended', detail: { scope: what, reason: pause.reason.slice(0, 200), until: pause.until ?? 'manual' } });
    await deps.notifier.notify({ kind: 'resume', text: `resumed ${what} (was paused: ${pause.reason})` });
  }
  return ended.length;
}


/**
 * Lifts a pause (a human resumed it), announcing it once. An account pause may have put its
 * capability queues on BullMQ's rate limit: that is lifted too. Returns the lifted pause, or null.
 */
export async function resumeScope(
  deps: { redis: Redis; config: NightshiftConfig; pauses: PauseStore; events: EventLog; notifier: Notifier },
  scope: PauseScope,
  by: string,
): Promise<Pause | null> {
  const pause = await deps.pauses.resume(scope);
  if (!pause) return null;
  await deps.events.append({ type: 'pause.ended', detail: { scope: describeScope(scope), reason: `resumed by ${by}` } });
  await deps.notifier.notify({ kind: 'resume', text: `resumed ${describeScope(scope)} (by ${by})` });
  if (scope.kind === 'account') {
    const capabilities = [...new Set(deps.config.hosts.flatMap((h) => h.capabilities))];
    for (const capability of capabilities) {
      const queue = new Queue(sessionQueueName(capability), { connection: deps.redis });
      await queue.removeRateLimitKey().finally(() => queue.close());
    }
  }
  return pause;
}

/** The pause scope a human named: intake, or an account that must exist in config. */
export function pauseScopeOf(config: NightshiftConfig, account: string | undefined): PauseScope {
  if (!account) return { kind: 'intake' };
  if (!config.agent.accounts.some((a) => a.name === account)) {
    throw new UnknownAccountError(`no agent account "${account}" in ${config.file} (known: ${config.agent.accounts.map((a) => a.name).join(', ')})`);
  }
  return { kind: 'account', account };
}

/** `30m`, `2h`, `90s`, `1d` → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(text.trim());
  if (!match) throw new BadDurationError(`"${text}" is not a duration like 90s, 30m, 2h or 1d`);
  return Number(match[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
}
