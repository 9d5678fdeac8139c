import { processStartTime } from '@nightshift/agent';
import { parseConfig } from '@nightshift/config';
import { type RunRecord, sessionJobId } from '@nightshift/contracts';
import { createLogger } from '@nightshift/service-shell';
import { Claims, EventLog, type LiveSession, RunStore, SessionRegistry } from '@nightshift/state';
import { useTestRedis } from '@nightshift/testing-fakes';
import { Queue } from 'bullmq';
import { Registry } from 'prom-client';

import { reaperMetrics } from './reaper-metrics';
import { ZombieReaper } from './zombie-reaper';

const HOST = 'linux-1';
const config = parseConfig(
  JSON.stringify({ repos: [{ name: 'web', remote: '/nowhere.git' }], hosts: [{ name: HOST }] }),
  '/tmp/nightshift.yaml',
);
const testRedis = useTestRedis();

/**
 * A run store whose first `list` lets a session start just before the records are read: the runner registers
 * (as SessionHeartbeat.start does) and then saves its run record, both after the reaper took its session list.
 */
class SessionStartsDuringSweep extends RunStore {
  constructor(
    redis: ConstructorParameters<typeof RunStore>[0],
    private readonly start: () => Promise<void>,
  ) {
    super(redis);
  }
  private started = false;
  override async list(limit?: number): Promise<RunRecord[]> {
    if (!this.started) {
      this.started = true;
      await this.start();
    }
    return super.list(limit);
  }
}

describe('ZombieReaper and a session that registers during a pass', () => {
  it('leaves the run of a session registered between its session list and its run-record read alone', async () => {
    const redis = testRedis.redis;
    const sessions = new SessionRegistry(redis);
    const session: LiveSession = {
      runId: 'NS-7.1',
      execution: 1,
      host: HOST,
      runnerPid: process.pid,
      runnerStartTime: processStartTime(process.pid) ?? undefined,
      tickets: ['NS-7'],
      heartbeatAt: new Date().toISOString(),
      queue: 'session.linux',
      jobId: sessionJobId('NS-7.1'),
    };
    const record: RunRecord = {
      runId: 'NS-7.1',
      execution: 1,
      tickets: ['NS-7'],
      repo: 'web',
      host: HOST,
      model: 'm',
      attempt: 1,
      startedAt: new Date().toISOString(),
    };
    const runs: RunStore = new SessionStartsDuringSweep(redis, async () => {
      await sessions.put(session);
      await runs.save(record);
    });
    const queue = new Queue('session.linux', { connection: redis });
    const reaper = new ZombieReaper({
      config,
      host: HOST,
      claims: new Claims(redis),
      runs,
      events: new EventLog(redis),
      sessions,
      sessionQueues: new Map([[queue.name, queue]]),
      worktrees: { remove: async () => ({ path: '', changed: true }) },
      metrics: reaperMetrics(new Registry()),
      logger: createLogger('zombie-reaper', 'fatal'),
    });

    await reaper.sweep();

    expect((await runs.get('NS-7.1'))?.outcome).toBeUndefined();
    expect(await sessions.has('NS-7.1')).toBe(true);
    expect((await new EventLog(redis).read()).filter((e) => e.type === 'session.reaped')).toEqual([]);
    await queue.close();
  });
});
