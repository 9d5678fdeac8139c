import type { Notifier } from '@nightshift/notify';
import { describeScope, type EventLog, type PauseScope, type PauseStore } from '@nightshift/state';

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
