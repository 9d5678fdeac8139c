import { groupIsAlive } from '@nightshift/agent';
import { KEY, type LiveSession, SessionRegistry } from '@nightshift/state';

import { Pipeline, quickRecoveryConfig, type ServiceProcess, waitFor } from './harness';

jest.setTimeout(240_000);

/**
 * The session-runner's own lifecycle on real Redis, git and processes: losing its claim (heartbeat) stops the
 * agent; SIGTERM lets a session that ends within the grace finish, and stops one that would outlast it
 * without spending an attempt.
 */
describe('session-runner lifecycle', () => {
  let pipeline: Pipeline;
  let registry: SessionRegistry;
  beforeAll(async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      // Lease 6 s: the runner renews (heartbeats) every 2 s.
      config: quickRecoveryConfig({ routing: { claimLeaseSec: 6 } }),
    });
    registry = new SessionRegistry(pipeline.redis);
    pipeline.spawn('worktree-manager');
    pipeline.spawn('router');
    pipeline.spawn('ticket-scanner');
  });
  afterAll(() => pipeline?.stop());

  const agentOf = (key: string) =>
    waitFor<LiveSession>(
      `the agent of ${key} registered`,
      async () => (await registry.list()).find((s) => s.tickets.includes(key) && s.agentPgid),
      60_000,
      50,
    );
  const runsOf = async (key: string) => (await pipeline.runs.list()).filter((r) => r.tickets.includes(key));
  const prsOf = async (key: string) => (await pipeline.forge.listPrs()).filter((p) => p.tickets.includes(key));

  it('aborts the session when its claim is lost (another run took it): agent gone, canceled, no attempt', async () => {
    const runner = pipeline.spawn('session-runner', { FAKE_CLAUDE_DEFAULT: 'slow=60000' });
    const key = (await pipeline.board.add({ title: '[alpha] lose the claim' })).key;
    const session = await agentOf(key);
    await pipeline.redis.set(KEY.claim(key), 'someone-else.1', 'PX', 60_000);

    await waitFor('the agent group gone', async () => !groupIsAlive(session.agentPgid!), 20_000, 50);
    const run = await waitFor('the run closed', async () => (await runsOf(key)).find((r) => r.outcome), 10_000, 50);
    expect(run.outcome).toBe('canceled');
    expect(await pipeline.counters.attemptsSpent(key)).toBe(0);
    expect(await prsOf(key)).toEqual([]);
    // The other run's claim is untouched.
    expect(await pipeline.redis.get(KEY.claim(key))).toBe('someone-else.1');
    await runner.stop();
  });

  it('SIGTERM within the grace: the session finishes with its PR before the runner exits', async () => {
    const runner = pipeline.spawn('session-runner', { FAKE_CLAUDE_DEFAULT: 'slow=3000', NIGHTSHIFT_GRACE_MS: '30000' });
    const key = (await pipeline.board.add({ title: '[alpha] finish within the grace' })).key;
    await agentOf(key);
    await runner.stop('SIGTERM');

    expect((await runsOf(key)).map((r) => r.outcome)).toEqual(['success']);
    expect(await prsOf(key)).toHaveLength(1);
    expect((await pipeline.board.getTicket(key))?.state).toBe('In Review');
  });

  it('SIGTERM past the grace: the agent is killed, nothing spent, and the ticket finishes on the next runner', async () => {
    const runner: ServiceProcess = pipeline.spawn('session-runner', {
      FAKE_CLAUDE_DEFAULT: 'slow=400000',
      NIGHTSHIFT_GRACE_MS: '6000',
    });
    const key = (await pipeline.board.add({ title: '[alpha] outlast the grace' })).key;
    const session = await agentOf(key);
    const stoppedAt = Date.now();
    await runner.stop('SIGTERM');
    expect(Date.now() - stoppedAt).toBeLessThan(15_000);
    expect(groupIsAlive(session.agentPgid!)).toBe(false);
    expect(await pipeline.counters.attemptsSpent(key)).toBe(0);
    expect((await runsOf(key)).map((r) => r.outcome)).toEqual(['canceled']);

    pipeline.spawn('session-runner');
    await waitFor(
      'the ticket In Review',
      async () => (await pipeline.board.getTicket(key))?.state === 'In Review',
      90_000,
      100,
    );
    expect(await prsOf(key)).toHaveLength(1);
    expect(await pipeline.counters.attemptsSpent(key)).toBe(0);
  });
});
