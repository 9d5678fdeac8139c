import type { Notification } from '@nightshift/notify';
import { EventLog, PauseStore, RunStore } from '@nightshift/state';
import { useTestRedis } from '@nightshift/testing-fakes';

import {
  accountPauseUntil,
  accountWait,
  announceEndedPauses,
  AUTH_PAUSE_MS,
  intakeHold,
  MANUAL_PAUSE_RECHECK_MS,
  pauseAccountAfterRun,
  pauseAccountForAuth,
  pauseIntakeOnFastFailStorm,
  pausesAccount,
  pauseWaitMs,
} from './pause-policy';

const agent = { agent: { rateLimitBackoffMin: 15 } } as never;

describe('the pause decision', () => {
  const now = new Date('2026-03-01T10:00:00Z');

  it('pauses the account only for a rate limit or a refused auth', () => {
    expect(['rate_limited', 'auth_failed'].filter((o) => pausesAccount(o as never))).toHaveLength(2);
    for (const o of [
      'success',
      'task_failed',
      'timeout',
      'stalled',
      'fast_fail',
      'infra_error',
      'canceled',
      'no_changes',
    ])
      expect(pausesAccount(o as never)).toBe(false);
  });

  it('a rate limit lasts until the parsed reset, else the configured back-off; an auth failure AUTH_PAUSE_MS', () => {
    const reset = new Date('2026-03-01T14:00:00Z');
    expect(accountPauseUntil('rate_limited', reset, agent, now)).toEqual(reset);
    expect(accountPauseUntil('rate_limited', null, agent, now)).toEqual(new Date(now.getTime() + 15 * 60_000));
    expect(accountPauseUntil('auth_failed', reset, agent, now)).toEqual(new Date(now.getTime() + AUTH_PAUSE_MS));
  });

  it('a session waits until the pause ends (at least a second), or looks again each minute at a manual one', () => {
    const pause = { scope: { kind: 'intake' as const }, reason: 'r', by: 'b', since: now.toISOString() };
    expect(pauseWaitMs({ ...pause, until: '2026-03-01T10:00:30Z' }, now.getTime())).toBe(30_000);
    expect(pauseWaitMs({ ...pause, until: '2026-03-01T09:00:00Z' }, now.getTime())).toBe(1000);
    expect(pauseWaitMs({ ...pause, until: null }, now.getTime())).toBe(MANUAL_PAUSE_RECHECK_MS);
  });
});

describe('recording, announcing and lifting a pause', () => {
  const redis = useTestRedis();
  const notes: Notification[] = [];
  const deps = () => ({
    pauses: new PauseStore(redis.redis),
    events: new EventLog(redis.redis),
    notifier: { notify: async (n: Notification) => void notes.push(n) },
    config: agent,
  });
  beforeEach(() => (notes.length = 0));

  it('two runners hitting the same limit announce one pause; it ends by itself at the reset and is announced once', async () => {
    const d = deps();
    const reset = new Date(Date.now() + 60_000);
    await pauseAccountAfterRun(d, 'main', 'rate_limited', 'usage limit', reset, 'host-a');
    await pauseAccountAfterRun(d, 'main', 'rate_limited', 'usage limit', reset, 'host-b');
    expect(notes.map((n) => n.kind)).toEqual(['pause']);
    expect((await accountWait(d.pauses, 'main'))?.reason).toBe('rate_limited: usage limit');
    expect(await accountWait(d.pauses, 'other')).toBeNull();

    expect(await announceEndedPauses(d, new Date(Date.now() + 30_000))).toBe(0);
    expect(await announceEndedPauses(d, new Date(reset.getTime() + 1))).toBe(1);
    expect(await announceEndedPauses(d, new Date(reset.getTime() + 2))).toBe(0);
    expect(notes.map((n) => n.kind)).toEqual(['pause', 'resume']);
    expect((await d.events.read()).map((e) => e.type)).toEqual(['pause.started', 'pause.ended']);
  });

  it('pauses intake when more than the configured share of a scan cycle fast-failed, and not below it', async () => {
    const d = deps();
    const runs = new RunStore(redis.redis);
    const config = { intake: { fastFailPauseRatio: 0.8, fastFailMinSessions: 3, fastFailPauseMin: 5 } } as never;
    const save = (id: string, outcome: 'fast_fail' | 'success') =>
      runs.save({
        runId: id,
        tickets: [id],
        repo: 'r',
        host: 'h',
        model: 'm',
        attempt: 1,
        startedAt: new Date().toISOString(),
        outcome,
      } as never);
    await save('a', 'fast_fail');
    await save('b', 'fast_fail');
    await save('c', 'success');
    await pauseIntakeOnFastFailStorm({ ...d, runs, config }, 60_000, 'ticket-scanner');
    expect(await intakeHold(d.pauses)).toBeNull();
    for (const id of ['d', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l']) await save(id, 'fast_fail');
    await pauseIntakeOnFastFailStorm({ ...d, runs, config }, 60_000, 'ticket-scanner');
    expect(await intakeHold(d.pauses)).toMatch(
      /^intake paused until .*: 92% of the 12 sessions started in the last scan cycle fast-failed$/,
    );
  });

  it('records why: a pre-flight auth pause (no run record) is an `auth` pause, as the auth alert reads it', async () => {
    const d = deps();
    await pauseAccountForAuth(d, 'main', 'not logged in', 'host-a');
    await pauseAccountAfterRun(d, 'other', 'rate_limited', 'usage limit', null, 'host-a');
    await pauseAccountAfterRun(d, 'third', 'auth_failed', 'OAuth token expired', null, 'host-a');
    const causes = Object.fromEntries(
      (await d.pauses.active()).map((p) => [p.scope.kind === 'account' ? p.scope.account : 'x', p.cause]),
    );
    expect(causes).toEqual({ main: 'auth', other: 'rate_limit', third: 'auth' });
  });
});
