import { Claims, KEY, type LiveSession, sessionKey, SessionRegistry } from '@nightshift/state';
import { useTestRedis, waitFor } from '@nightshift/testing-fakes';

import { HeartbeatBatch, sessionHeartbeatMs } from './heartbeat-batch';
import type { SessionDeps } from './session-deps';
import { SessionHeartbeat } from './session-heartbeat';

const testRedis = useTestRedis();
const LEASE_SEC = 0.3; // a round every 100 ms

function depsWith(batch: HeartbeatBatch): SessionDeps {
  const redis = testRedis.redis;
  return {
    config: { routing: { claimLeaseSec: LEASE_SEC } },
    sessions: new SessionRegistry(redis),
    claims: new Claims(redis),
    heartbeats: batch,
  } as unknown as SessionDeps;
}

const live = (runId: string, tickets: string[]): LiveSession => ({
  runId,
  execution: 1,
  host: 'h1',
  runnerPid: process.pid,
  tickets,
  heartbeatAt: '',
});

async function startSession(deps: SessionDeps, runId: string, tickets: string[]) {
  for (const t of tickets) await deps.claims.claim(t, runId, LEASE_SEC * 1000);
  const aborted = new AbortController();
  const heartbeat = new SessionHeartbeat(deps, live(runId, tickets), () => aborted.abort());
  await heartbeat.start();
  return { heartbeat, aborted: aborted.signal };
}

describe('session heartbeats in one batch on real Redis', () => {
  it('keeps every session alive past its lease with one timer, and aborts exactly the one whose claim was lost', async () => {
    const batch = new HeartbeatBatch(testRedis.redis, () =>
      sessionHeartbeatMs({ routing: { claimLeaseSec: LEASE_SEC } }),
    );
    const deps = depsWith(batch);
    const a = await startSession(deps, 'run-a', ['A-1']);
    const b = await startSession(deps, 'run-b', ['B-1', 'B-2']);
    const c = await startSession(deps, 'run-c', ['C-1']);
    expect(batch.size).toBe(3);
    const registry = deps.sessions;
    const firstBeat = (await registry.list()).find((s) => s.runId === 'run-a')!.heartbeatAt;
    // A beat written three leases after the first: every claim is still held, so the rounds renewed them.
    const beatAt = async (runId: string) =>
      Date.parse((await registry.list()).find((s) => s.runId === runId)!.heartbeatAt);
    await waitFor(
      'a beat three leases after the first',
      async () => (await beatAt('run-c')) - Date.parse(firstBeat) > 3 * LEASE_SEC * 1000,
      5000,
    );
    for (const t of ['A-1', 'B-1', 'B-2', 'C-1']) expect(await deps.claims.holder(t)).not.toBeNull();

    await testRedis.redis.set(KEY.claim('B-2'), 'run-other'); // reaped and re-dispatched elsewhere
    await registry.remove(sessionKey({ runId: 'run-c', execution: 1 })); // fenced by a newer execution
    await waitFor('run-b aborted', async () => (b.aborted.aborted ? true : undefined), 5000);
    await waitFor('run-c aborted', async () => (c.aborted.aborted ? true : undefined), 5000);
    expect(b.heartbeat.lostReason).toBe('claim on B-2 was lost');
    expect(c.heartbeat.lostReason).toBe('superseded: this execution was fenced or reaped');
    expect(a.aborted.aborted).toBe(false);
    expect((await registry.list()).map((s) => s.runId).sort()).toEqual(['run-a', 'run-b']); // run-c's entry not re-created

    for (const s of [a, b, c]) await s.heartbeat.stop();
    expect(batch.size).toBe(0);
    expect(await registry.list()).toEqual([]);
  });
});
