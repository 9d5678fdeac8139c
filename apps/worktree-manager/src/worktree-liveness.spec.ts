import type { LiveSession, WorktreeOwner } from '@nightshift/state';

import { judgeLiveness } from './worktree-liveness';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const GRACE = 120_000;
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const wt = { repo: 'web', worktreeKey: 'ENG-1', path: '/root/worktrees/web/ENG-1' };
const owner = (runId: string, createdAgoMs: number): WorktreeOwner => ({
  repo: 'web',
  worktreeKey: 'ENG-1',
  runId,
  createdAt: ago(createdAgoMs),
});
const session = (runId: string, beatAgoMs: number, worktreePath?: string): LiveSession => ({
  runId,
  host: 'h',
  runnerPid: 1,
  tickets: [],
  heartbeatAt: ago(beatAgoMs),
  worktreePath,
});
const judge = (o: WorktreeOwner | null, sessions: LiveSession[]) =>
  judgeLiveness({ wt, owner: o, sessions, nowMs: NOW, graceMs: GRACE });

describe('judgeLiveness', () => {
  it('keeps a worktree whose run heartbeats within the grace, however old the record', () => {
    expect(judge(owner('r1', 3_600_000), [session('r1', 5_000)])).toEqual({
      live: true,
      reason: 'run r1 is heartbeating',
    });
  });

  it('keeps a worktree its run left for a human (a blocked push), however long ago, with no session', () => {
    expect(judge({ ...owner('r1', 86_400_000), keptFor: 'push blocked (secret)' }, [])).toEqual({
      live: true,
      reason: 'kept for a human: push blocked (secret)',
    });
  });

  it('keeps a freshly recorded worktree whose run has not registered yet', () => {
    expect(judge(owner('r1', 60_000), []).live).toBe(true);
  });

  it('keeps a worktree a heartbeating session names by path even with no record', () => {
    expect(judge(null, [session('r9', 1_000, wt.path)]).live).toBe(true);
  });

  it('frees a worktree with no record, or whose run is gone or silent past the grace', () => {
    expect(judge(null, [])).toEqual({ live: false, reason: 'no run ever recorded owning it' });
    expect(judge(owner('r1', GRACE + 1), [])).toEqual({ live: false, reason: 'run r1 is not a live session' });
    expect(judge(owner('r1', GRACE + 1), [session('r1', GRACE + 1)]).live).toBe(false);
    expect(judge(owner('r1', GRACE + 1), [session('r2', 0)]).live).toBe(false);
    expect(judge(null, [session('r9', GRACE + 1, wt.path)]).live).toBe(false);
  });

  it('treats an unparseable heartbeat as silent', () => {
    expect(judge(owner('r1', GRACE + 1), [{ ...session('r1', 0), heartbeatAt: 'soon' }]).live).toBe(false);
  });
});
