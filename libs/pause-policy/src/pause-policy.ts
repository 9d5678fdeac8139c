import type { NightshiftConfig } from '@nightshift/config';
import { sessionQueueName } from '@nightshift/contracts';
import type { Outcome } from '@nightshift/domain';
import type { Notifier } from '@nightshift/notify';
import {
  describeScope,
  type EventLog,
  type Pause,
  type PauseCause,
  type PauseScope,
  type PauseStore,
  type RunStore,
} from '@nightshift/state';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/*
 * The pause policy: whether an agent account, intake, a repo or a ticket may run now, and until when.
 * Decide (which outcome pauses what, until when), record (Redis, so every host obeys), announce
 * (event + notification, once) and lift (at the reset by itself, or by a human) all live here; the
 * session-runner, ticket-scanner, router, CLI and operator API only call these functions.
 *
 * A rate limit, end to end: the classifier (libs/agent) says `rate_limited` with the reset it parsed →
 * the runner calls `pauseAccountAfterRun` (until that reset, or `agent.rateLimitBackoffMin`) → every
 * runner's `accountWaitMs` sends sessions for that account back to waiting → the scanner's
 * `announceEndedPauses` notices the reset has passed and says so; `resumeScope` is the human's way.
 */

/** How long an account whose auth failed stays paused before the pre-flight check runs again. */
export const AUTH_PAUSE_MS = 10 * 60_000;
/** How long to wait before looking again at a pause with no end (a human lifts it). */
export const MANUAL_PAUSE_RECHECK_MS = 60_000;

/** What recording and announcing a pause needs. */
export interface PauseDeps {
  pauses: PauseStore;
  events: EventLog;
  notifier: Notifier;
}

/** The outcomes that pause the agent account they ran on (for everyone), spending no attempt. */
export function pausesAccount(outcome: Outcome): outcome is 'rate_limited' | 'auth_failed' {
  return outcome === 'rate_limited' || outcome === 'auth_failed';
}

/**
 * Until when a run's outcome pauses its account: an auth failure for AUTH_PAUSE_MS (then the pre-flight
 * check runs again); a rate limit until the reset the classifier parsed, else `agent.rateLimitBackoffMin`.
 */
export function accountPauseUntil(
  outcome: 'rate_limited' | 'auth_failed',
  retryAt: Date | null,
  config: Pick<NightshiftConfig, 'agent'>,
  now = new Date(),
): Date {
  if (outcome === 'auth_failed') return new Date(now.getTime() + AUTH_PAUSE_MS);
  return retryAt ?? new Date(now.getTime() + config.agent.rateLimitBackoffMin * 60_000);
}

/** How long a session should wait for this pause to end (at least a second; a manual pause is looked at again each minute). */
export function pauseWaitMs(pause: Pause, now = Date.now()): number {
  return pause.until ? Math.max(1000, Date.parse(pause.until) - now) : MANUAL_PAUSE_RECHECK_MS;
}

/** The account's pause, if any, with how long to wait for it; null when the account may run now. */
export async function accountWait(
  pauses: PauseStore,
  account: string,
  now = new Date(),
): Promise<{ waitMs: number; reason: string } | null> {
  const pause = await pauses.get({ kind: 'account', account }, now);
  return pause ? { waitMs: pauseWaitMs(pause, now.getTime()), reason: pause.reason } : null;
}

/**
 * Records a pause for everyone (every host reads the same Redis) and announces it once: event and
 * notification. `cause` is what the alerts read (an `auth` pause pages); a human's pause is `manual`.
 */
export async function pauseScope(
  deps: PauseDeps,
  scope: PauseScope,
  until: Date | null,
  reason: string,
  by: string,
  cause: PauseCause = 'manual',
): Promise<void> {
  const fresh = await deps.pauses.pause({ scope, cause, until: until?.toISOString() ?? null, reason, by });
  if (!fresh) return;
  const what = describeScope(scope);
  const when = until ? `until ${until.toISOString()}` : 'until a human resumes it (nightshift resume)';
  await deps.events.append({
    type: 'pause.started',
    detail: { scope: what, until: until?.toISOString() ?? 'manual', reason: reason.slice(0, 200), by },
  });
  await deps.notifier.notify({ kind: 'pause', text: `paused ${what} ${when}: ${reason}` });
}

/** A run ended rate-limited or with its auth refused: pauses its account (decided by `accountPauseUntil`) and announces it. */
export async function pauseAccountAfterRun(
  deps: PauseDeps & { config: Pick<NightshiftConfig, 'agent'> },
  account: string,
  outcome: 'rate_limited' | 'auth_failed',
  reason: string,
  retryAt: Date | null,
  by: string,
): Promise<void> {
  await pauseScope(
    deps,
    { kind: 'account', account },
    accountPauseUntil(outcome, retryAt, deps.config),
    `${outcome}: ${reason}`,
    by,
    outcome === 'auth_failed' ? 'auth' : 'rate_limit',
  );
}

/** The pre-flight auth check failed before any launch: pauses the account for AUTH_PAUSE_MS, nothing spent. */
export async function pauseAccountForAuth(
  deps: PauseDeps,
  account: string,
  reason: string,
  by: string,
  now = new Date(),
): Promise<void> {
  await pauseScope(
    deps,
    { kind: 'account', account },
    new Date(now.getTime() + AUTH_PAUSE_MS),
    `pre-flight auth failed: ${reason}`,
    by,
    'auth',
  );
}

/** What `intake.fastFail*` configures: the share of fast failures, over at least how many ended sessions, within which window. */
export interface FastFailPolicy {
  ratio: number;
  minSessions: number;
  windowMs: number;
}

/**
 * Whether intake should pause: more than `ratio` of the sessions started within the last window
 * (one scan cycle) fast-failed, counting only once `minSessions` of them have ended. Something is
 * wrong with the machine or the account, and starting more would only burn through the queue.
 */
export async function fastFailStorm(
  runs: RunStore,
  policy: FastFailPolicy,
  now = Date.now(),
): Promise<{ storm: boolean; ratio: number; ended: number }> {
  // Only the window's runs are read (by start time), not the last 500 parsed on every scan.
  const recent = (await runs.since(now - policy.windowMs, 500)).filter((r) => r.outcome);
  const fast = recent.filter((r) => r.outcome === 'fast_fail').length;
  const ratio = recent.length === 0 ? 0 : fast / recent.length;
  return { storm: recent.length >= policy.minSessions && ratio > policy.ratio, ratio, ended: recent.length };
}

/** After a scan: pauses intake for `intake.fastFailPauseMin` when the last cycle was a fast-fail storm. */
export async function pauseIntakeOnFastFailStorm(
  deps: PauseDeps & { runs: RunStore; config: Pick<NightshiftConfig, 'intake'> },
  windowMs: number,
  by: string,
): Promise<void> {
  const policy = deps.config.intake;
  const verdict = await fastFailStorm(deps.runs, {
    ratio: policy.fastFailPauseRatio,
    minSessions: policy.fastFailMinSessions,
    windowMs,
  });
  if (!verdict.storm) return;
  const until = new Date(Date.now() + policy.fastFailPauseMin * 60_000);
  const reason = `${Math.round(verdict.ratio * 100)}% of the ${verdict.ended} sessions started in the last scan cycle fast-failed`;
  await pauseScope(deps, { kind: 'intake' }, until, reason, by, 'fast_fail');
}

/** Why the router must not dispatch now: intake is paused; null when it may. */
export async function intakeHold(pauses: PauseStore): Promise<string | null> {
  const paused = await pauses.get({ kind: 'intake' });
  return paused ? `intake paused until ${paused.until ?? 'resumed'}: ${paused.reason}` : null;
}

/** Why a ticket must not start now: it or its repo reached a budget cap; null when it may. */
export async function budgetHold(pauses: PauseStore, ticket: string, repo: string): Promise<string | null> {
  const held = (await pauses.get({ kind: 'ticket', ticket })) ?? (await pauses.get({ kind: 'repo', repo }));
  return held ? `paused: ${held.reason}` : null;
}

/**
 * Pauses end by themselves at their reset instant; this notices when one has, and says so once
 * (event + notification) across all scanners.
 */
export async function announceEndedPauses(deps: PauseDeps, now = new Date()): Promise<number> {
  const ended = await deps.pauses.expire(now);
  for (const pause of ended) {
    const what = describeScope(pause.scope);
    await deps.events.append({
      type: 'pause.ended',
      detail: { scope: what, reason: pause.reason.slice(0, 200), until: pause.until ?? 'manual' },
    });
    await deps.notifier.notify({ kind: 'resume', text: `resumed ${what} (was paused: ${pause.reason})` });
  }
  return ended.length;
}

/**
 * Lifts a pause (a human resumed it), announcing it once. An account pause may have put its
 * capability queues on BullMQ's rate limit: that is lifted too. Returns the lifted pause, or null.
 */
export async function resumeScope(
  deps: PauseDeps & { redis: Redis; config: NightshiftConfig },
  scope: PauseScope,
  by: string,
): Promise<Pause | null> {
  const pause = await deps.pauses.resume(scope);
  if (!pause) return null;
  await deps.events.append({
    type: 'pause.ended',
    detail: { scope: describeScope(scope), reason: `resumed by ${by}` },
  });
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
