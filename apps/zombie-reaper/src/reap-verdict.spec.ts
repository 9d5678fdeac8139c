import type { LiveSession } from '@nightshift/state';

import { reapVerdict } from './reap-verdict';

const NOW = Date.parse('2026-12-01T10:00:00Z');
const session = (extra: Partial<LiveSession> = {}): LiveSession => ({
  runId: 'NS-1.1',
  execution: 1,
  host: 'h',
  runnerPid: 10,
  tickets: ['NS-1'],
  heartbeatAt: '',
  queue: 'session.linux',
  jobId: 'session-NS-1.1',
  ...extra,
});
const active = { state: 'active', attemptsStarted: 1 };

describe('reapVerdict', () => {
  it('reaps a session whose runner is gone, whatever its job says', () => {
    expect(reapVerdict({ session: session(), runnerAlive: false, job: active, nowMs: NOW })).toBe('runner_gone');
  });

  it('leaves a live runner with its active job alone', () => {
    expect(
      reapVerdict({
        session: session({ deadline: new Date(NOW + 1000).toISOString() }),
        runnerAlive: true,
        job: active,
        nowMs: NOW,
      }),
    ).toBeNull();
  });

  it('reaps a live runner past its deadline', () => {
    expect(
      reapVerdict({
        session: session({ deadline: new Date(NOW - 1).toISOString() }),
        runnerAlive: true,
        job: active,
        nowMs: NOW,
      }),
    ).toBe('deadline');
  });

  it('reaps when the job is not active, gone, or started again since (a newer execution owns it)', () => {
    expect(
      reapVerdict({ session: session(), runnerAlive: true, job: { state: 'waiting', attemptsStarted: 1 }, nowMs: NOW }),
    ).toBe('job_inactive');
    expect(reapVerdict({ session: session(), runnerAlive: true, job: null, nowMs: NOW })).toBe('job_inactive');
    expect(
      reapVerdict({ session: session(), runnerAlive: true, job: { state: 'active', attemptsStarted: 2 }, nowMs: NOW }),
    ).toBe('job_inactive');
  });

  it('does not judge a job it cannot name (an entry without queue and job id)', () => {
    expect(
      reapVerdict({
        session: session({ queue: undefined, jobId: undefined }),
        runnerAlive: true,
        job: undefined,
        nowMs: NOW,
      }),
    ).toBeNull();
  });
});
