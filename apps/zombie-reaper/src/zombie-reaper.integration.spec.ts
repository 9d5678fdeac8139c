import { type ChildProcess, spawn } from 'node:child_process';

import { groupIsAlive, processStartTime, SESSION_ENV, waitForGroupGone } from '@nightshift/agent';
import { parseConfig } from '@nightshift/config';
import { type RunRecord, sessionJobId, type WorktreeJob } from '@nightshift/contracts';
import { createLogger } from '@nightshift/service-shell';
import {
  Claims,
  EventLog,
  HostRegistry,
  KEY,
  type LiveSession,
  RunStore,
  sessionKey,
  SessionRegistry,
} from '@nightshift/state';
import { useTestRedis } from '@nightshift/testing-fakes';
import { Queue } from 'bullmq';
import { Registry } from 'prom-client';

import { reaperMetrics } from './reaper-metrics';
import { ZombieReaper } from './zombie-reaper';

jest.setTimeout(30_000);

const HOST = 'linux-1';
const config = parseConfig(
  JSON.stringify({
    repos: [{ name: 'web', remote: '/nowhere.git' }],
    hosts: [{ name: HOST }],
    reaper: { intervalSec: 1, graceSec: 0.3 },
    routing: { claimLeaseSec: 600 },
  }),
  '/tmp/nightshift.yaml',
);
const testRedis = useTestRedis();
const children: ChildProcess[] = [];

/** A process in a group of its own that runs until killed, as an agent deep in a tool call. */
function startGroup(env: NodeJS.ProcessEnv = {}): number {
  const child = spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1e6)'], {
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, ...env },
  });
  children.push(child);
  return child.pid!;
}

/** The pid of a process that has exited: a runner that died. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

afterAll(() => {
  for (const c of children)
    if (c.pid)
      try {
        process.kill(-c.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
});

function build() {
  const redis = testRedis.redis;
  const removals: WorktreeJob[] = [];
  const registry = new Registry();
  const queue = new Queue('session.linux', { connection: redis });
  const deps = {
    config,
    host: HOST,
    claims: new Claims(redis),
    runs: new RunStore(redis),
    events: new EventLog(redis),
    sessions: new SessionRegistry(redis),
    sessionQueues: new Map([[queue.name, queue]]),
    worktrees: { remove: async (job: WorktreeJob) => (removals.push(job), { path: '', changed: true }) },
    metrics: reaperMetrics(registry),
    logger: createLogger('zombie-reaper', 'fatal'),
  };
  return { deps, reaper: new ZombieReaper(deps), queue, removals, registry };
}

const agentSession = (runId: string, pgid: number, extra: Partial<LiveSession> = {}): LiveSession => ({
  runId,
  execution: 1,
  host: HOST,
  runnerPid: 0,
  tickets: [runId.split('.')[0]!],
  heartbeatAt: new Date().toISOString(),
  agentPgid: pgid,
  agentStartTime: processStartTime(pgid) ?? undefined,
  repo: 'web',
  branch: `agent/${runId}`,
  worktreePath: `/wt/web/${runId}`,
  queue: 'session.linux',
  jobId: sessionJobId(runId),
  ...extra,
});

/** A run record still open (no outcome) of `runId` on this host, with `extra` on top. */
const openRun = (runId: string, extra: Partial<RunRecord> = {}): RunRecord => ({
  runId,
  execution: 1,
  tickets: [runId.split('.')[0]!],
  repo: 'web',
  host: HOST,
  model: 'm',
  attempt: 1,
  startedAt: new Date().toISOString(),
  ...extra,
});

describe('ZombieReaper on real processes and Redis', () => {
  it('kills the whole group of an agent whose runner died (ignoring SIGTERM: SIGKILL after the grace), closes its run, drops its worktree', async () => {
    const { deps, reaper, queue, removals, registry } = build();
    const pgid = startGroup({ [SESSION_ENV]: 'NS-1.1' });
    const session = agentSession('NS-1.1', pgid, { runnerPid: await deadPid() });
    await deps.sessions.put(session);
    await deps.runs.save(openRun('NS-1.1'));

    await reaper.sweep();

    expect(await waitForGroupGone(pgid, 2000)).toBe(true);
    expect(await deps.runs.get('NS-1.1')).toMatchObject({
      outcome: 'infra_error',
      reason: expect.stringContaining('interrupted: runner gone'),
    });
    expect(await deps.sessions.list()).toEqual([]);
    const events = await deps.events.read();
    expect(events.find((e) => e.type === 'session.reaped')).toMatchObject({
      ticket: 'NS-1',
      detail: { reason: 'runner_gone', killedGroups: 1 },
    });
    // No job will run it again: its worktree is an orphan now.
    expect(removals).toEqual([{ repo: 'web', branch: 'agent/NS-1.1', worktreeKey: 'NS-1.1', runId: 'NS-1.1' }]);
    expect(
      (await registry.getSingleMetric('nightshift_reaper_kills_total')!.get()).values.find(
        (v) => v.labels['reason'] === 'runner_gone',
      )?.value,
    ).toBe(1);
    await queue.close();
  });

  it('closes a run whose agent had ended but whose checks, push and PR never came: no longer settling, verdict kept', async () => {
    const { deps, reaper, queue } = build();
    const session = agentSession('NS-3.1', 0, { runnerPid: await deadPid(), agentPgid: undefined });
    await deps.sessions.put(session);
    await deps.runs.save(openRun('NS-3.1', { outcome: 'success', reason: 'finished in 2 s', settling: true }));

    await reaper.sweep();

    const closed = await deps.runs.get('NS-3.1');
    expect(closed).toMatchObject({
      outcome: 'success',
      reason: expect.stringContaining('interrupted before the run finished'),
    });
    expect(closed?.settling).toBeUndefined();
    await queue.close();
  });

  it('judges a runner in another PID namespace (its own container) by its heartbeat, not by a pid it cannot see', async () => {
    const { deps, reaper, queue } = build();
    const lease = config.routing.claimLeaseSec * 1000;
    const elsewhere = { runnerPid: await deadPid(), runnerPidNs: 'pid:[1]', agentPgid: undefined };
    await deps.sessions.put(agentSession('NS-4.1', 0, { ...elsewhere, heartbeatAt: new Date().toISOString() }));
    await deps.sessions.put(
      agentSession('NS-5.1', 0, { ...elsewhere, heartbeatAt: new Date(Date.now() - lease - 5_000).toISOString() }),
    );
    await deps.runs.save(openRun('NS-4.1'));
    await deps.runs.save(openRun('NS-5.1'));

    await reaper.sweep();

    expect((await deps.sessions.list()).map((s) => s.runId)).toEqual(['NS-4.1']);
    expect((await deps.runs.get('NS-4.1'))?.outcome).toBeUndefined();
    expect(await deps.runs.get('NS-5.1')).toMatchObject({
      outcome: 'infra_error',
      reason: expect.stringContaining('runner gone'),
    });
    await queue.close();
  });

  it('never kills what it cannot attribute: a recorded pgid now held by an unrelated process (pid reuse) survives', async () => {
    const { deps, reaper, queue } = build();
    const stranger = startGroup();
    await deps.sessions.put(agentSession('NS-2.1', stranger, { runnerPid: await deadPid(), agentStartTime: '1' }));

    await reaper.sweep();

    expect(groupIsAlive(stranger)).toBe(true);
    expect(await deps.sessions.list()).toEqual([]);
    expect((await deps.events.read()).find((e) => e.type === 'session.reaped')?.detail).toMatchObject({
      killedGroups: 0,
    });
    process.kill(-stranger, 'SIGKILL');
    await queue.close();
  });

  it('leaves a live runner with its active job alone; kills it past its deadline', async () => {
    const { deps, reaper, queue } = build();
    const pgid = startGroup({ [SESSION_ENV]: 'NS-3.1' });
    const live = {
      runnerPid: process.pid,
      runnerStartTime: processStartTime(process.pid) ?? undefined,
      queue: undefined,
      jobId: undefined,
    };
    await deps.sessions.put(
      agentSession('NS-3.1', pgid, { ...live, deadline: new Date(Date.now() + 60_000).toISOString() }),
    );
    await reaper.sweep();
    expect(groupIsAlive(pgid)).toBe(true);
    expect(await deps.sessions.list()).toHaveLength(1);

    await deps.sessions.put(
      agentSession('NS-3.1', pgid, { ...live, deadline: new Date(Date.now() - 1).toISOString() }),
    );
    await reaper.sweep();
    expect(await waitForGroupGone(pgid, 2000)).toBe(true);
    expect((await deps.events.read()).find((e) => e.type === 'session.reaped')?.detail).toMatchObject({
      reason: 'deadline',
    });
    await queue.close();
  });

  it('takes only its own agents when another install on this machine runs an agent with the same run id', async () => {
    const { deps, reaper, queue } = build();
    // Found by environment only (no recorded group): ours carries our tag, the other install's its own.
    const ours = startGroup({ [SESSION_ENV]: 'NS-8.1#aaaaaaaaaaaa' });
    const theirs = startGroup({ [SESSION_ENV]: 'NS-8.1#bbbbbbbbbbbb' });
    await deps.sessions.put(
      agentSession('NS-8.1', 0, {
        agentPgid: undefined,
        agentStartTime: undefined,
        agentTag: 'aaaaaaaaaaaa',
        runnerPid: await deadPid(),
      }),
    );
    await reaper.sweep();
    expect(await waitForGroupGone(ours, 2000)).toBe(true);
    expect(groupIsAlive(theirs)).toBe(true);
    expect(
      (await deps.events.read()).find((e) => e.type === 'session.reaped' && e.run === 'NS-8.1')?.detail,
    ).toMatchObject({ reason: 'runner_gone', killedGroups: 1 });
    await queue.close();
  });

  it('keeps the worktree of a session whose job will run again', async () => {
    const { deps, reaper, queue, removals } = build();
    await queue.add('session.run', {}, { jobId: sessionJobId('NS-4.1') });
    await deps.sessions.put(
      agentSession('NS-4.1', startGroup({ [SESSION_ENV]: 'NS-4.1' }), { runnerPid: await deadPid() }),
    );
    await reaper.sweep();
    expect(await deps.sessions.list()).toEqual([]);
    expect(removals).toEqual([]);
    await queue.close();
  });

  it('releases a claim nothing alive holds and not renewed for a while; keeps one whose job is pending or that is fresh', async () => {
    const { deps, reaper, queue } = build();
    const redis = testRedis.redis;
    // Lease 600 s in config; a claim with 1 s left was last renewed 599 s ago.
    await redis.set(KEY.claim('NS-5'), 'NS-5.1', 'PX', 1000);
    await redis.set(KEY.claim('NS-6'), 'NS-6.1', 'PX', 1000);
    await queue.add('session.run', {}, { jobId: sessionJobId('NS-6.1') });
    await deps.claims.claim('NS-7', 'NS-7.1', 600_000);

    await reaper.sweep();

    expect(await deps.claims.holder('NS-5')).toBeNull();
    expect(await deps.claims.holder('NS-6')).toBe('NS-6.1');
    expect(await deps.claims.holder('NS-7')).toBe('NS-7.1');
    expect((await deps.events.read()).filter((e) => e.type === 'claim.reaped').map((e) => e.ticket)).toEqual(['NS-5']);
    await queue.close();
  });

  it('closes a run record still "running" on this host with no live session; leaves other hosts\' runs alone', async () => {
    const { deps, reaper, queue } = build();
    const base = { tickets: ['NS-8'], repo: 'web', model: 'm', attempt: 1, startedAt: new Date().toISOString() };
    await deps.runs.save({ ...base, runId: 'NS-8.1', execution: 2, host: HOST });
    await deps.runs.save({ ...base, runId: 'NS-9.1', host: 'mac' });
    await deps.runs.save({ ...base, runId: 'NS-10.1', host: HOST });
    await deps.sessions.put({
      runId: 'NS-10.1',
      host: HOST,
      runnerPid: process.pid,
      runnerStartTime: processStartTime(process.pid) ?? undefined,
      tickets: ['NS-10'],
      heartbeatAt: '',
    });

    await reaper.sweep();

    expect((await deps.runs.get(sessionKey({ runId: 'NS-8.1', execution: 2 })))?.outcome).toBe('infra_error');
    expect((await deps.runs.get('NS-9.1'))?.outcome).toBeUndefined();
    expect((await deps.runs.get('NS-10.1'))?.outcome).toBeUndefined();
    await queue.close();
  });
  it("reaps nothing while this host's name is live from another machine (one config, no NIGHTSHIFT_HOST)", async () => {
    const { deps } = build();
    const hosts = new HostRegistry(testRedis.redis);
    const reaper = new ZombieReaper({ ...deps, hosts, identity: { machineId: 'machine-b', bootId: 'b1' } });
    await hosts.beat(
      {
        name: HOST,
        capabilities: ['linux'],
        slots: 1,
        slotsBusy: 1,
        version: '0',
        pid: 1,
        startedAt: '',
        heartbeatAt: '',
        machineId: 'machine-a',
        bootId: 'a1',
      },
      60_000,
    );
    // machine-a's session: its runner is no process of this machine.
    await deps.sessions.put(agentSession('NS-9.1', 0, { runnerPid: await deadPid(), agentStartTime: undefined }));

    await reaper.sweep();
    expect(await deps.sessions.has('NS-9.1')).toBe(true);

    await new ZombieReaper({ ...deps, hosts, identity: { machineId: 'machine-a', bootId: 'a1' } }).sweep();
    expect(await deps.sessions.has('NS-9.1')).toBe(false);
  });
});
