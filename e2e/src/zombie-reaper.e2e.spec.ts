import { groupIsAlive } from '@nightshift/agent';
import { type LiveSession, SessionRegistry } from '@nightshift/state';

import { AgentSampler, Pipeline, quickRecoveryConfig, scrapeMetric, waitFor } from './harness';

const INTERVAL_SEC = 2;
const GRACE_SEC = 1;
// What a pass costs on a loaded 2-core machine (reading /proc, a few Redis calls), on top of interval + grace.
const PASS_SLACK_MS = 4000;

jest.setTimeout(300_000);

/**
 * The zombie incident: a session-runner killed with SIGKILL while its agent is deep in a silent tool call.
 * The agent ignores its closed stdout (so no EPIPE ends it) and would run 400 s; the host's reaper must kill
 * its whole process group within one interval plus the grace, and the rerun must never run beside it.
 */
describe('zombie-reaper', () => {
  let pipeline: Pipeline;
  let sampler: AgentSampler;
  beforeAll(async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: quickRecoveryConfig({
        reaper: { intervalSec: INTERVAL_SEC, graceSec: GRACE_SEC },
        agent: { sessionTimeoutMin: 20, stallTimeoutSec: 900 },
      }),
    });
    sampler = new AgentSampler(pipeline.dir);
  });
  afterAll(async () => {
    sampler?.stop();
    await pipeline?.stop();
  });

  it('kills the agent of a SIGKILLed runner within one interval + grace; the rerun makes the one PR, no attempt spent', async () => {
    const key = (await pipeline.board.add({ title: '[alpha] a long silent build' })).key;
    pipeline.spawn('worktree-manager');
    const reaper = pipeline.spawn('zombie-reaper');
    const doomed = pipeline.spawn('session-runner', { FAKE_CLAUDE_DEFAULT: 'slow=400000 ignore-closed-stdout' });
    pipeline.spawn('router');
    pipeline.spawn('ticket-scanner');
    const registry = new SessionRegistry(pipeline.redis);

    const session = await waitFor<LiveSession>(
      'the agent recorded in the session registry',
      async () => (await registry.list()).find((s) => s.tickets.includes(key) && s.agentPgid && s.agentStartTime),
      150_000,
      50,
    );
    const pgid = session.agentPgid!;
    expect(session).toMatchObject({
      host: 'linux-1',
      runnerPid: doomed.child.pid,
      execution: 1,
      queue: 'session.linux',
    });
    expect(session.runnerStartTime).toBeTruthy();
    expect(Date.parse(session.deadline!)).toBeGreaterThan(Date.now() + 19 * 60_000);
    expect(groupIsAlive(pgid)).toBe(true);

    await doomed.stop('SIGKILL');
    const killedAt = Date.now();
    const budgetMs = (INTERVAL_SEC + GRACE_SEC) * 1000 + PASS_SLACK_MS;
    await waitFor('the orphaned agent group gone', async () => !groupIsAlive(pgid), budgetMs, 20);
    const goneAfterMs = Date.now() - killedAt;
    expect(goneAfterMs).toBeLessThanOrEqual(budgetMs);

    // `nightshift runs` no longer shows the dead execution as running.
    const closed = await waitFor(
      'the dead run closed',
      async () => {
        const run = await pipeline.runs.get(session.runId);
        return run?.outcome ? run : null;
      },
      5_000,
      50,
    );
    expect(closed).toMatchObject({ outcome: 'infra_error', execution: 1 });
    expect(closed.reason).toMatch(/interrupted: runner gone/);
    const reaped = await waitFor(
      'the session.reaped event',
      async () => (await pipeline.events.read()).find((e) => e.type === 'session.reaped' && e.ticket === key),
      5_000,
      50,
    );
    expect(reaped?.detail).toMatchObject({ reason: 'runner_gone', killedGroups: 1 });
    expect(await scrapeMetric(await reaper.url, 'nightshift_reaper_kills_total', { reason: 'runner_gone' })).toBe(1);

    pipeline.spawn('session-runner');
    await waitFor(
      'the ticket In Review',
      async () => (await pipeline.board.getTicket(key))?.state === 'In Review',
      90_000,
      100,
    );

    const prs = (await pipeline.forge.listPrs()).filter((p) => p.tickets.includes(key));
    expect(prs).toHaveLength(1);
    expect(await pipeline.counters.attemptsSpent(key)).toBe(0);
    const runs = (await pipeline.runs.list()).filter((r) => r.tickets.includes(key));
    expect(runs.map((r) => r.outcome).sort()).toEqual(['infra_error', 'success']);
    expect(runs.every((r) => r.outcome)).toBe(true);
    // The sampler ran through the whole story (every 50 ms; the rerun is quick now, so a second or so) and saw the agent.
    expect(sampler.samples).toBeGreaterThan(20);
    expect(sampler.worktreesSeen()).toBe(1);
    expect(sampler.maxPerWorktree()).toBe(1);
  });

  it('fences: with no reaper running, the rerun kills the earlier agent itself before launching its own', async () => {
    await pipeline.services.find((s) => s.name === 'zombie-reaper')!.stop();
    for (const runner of pipeline.services.filter((s) => s.name === 'session-runner')) await runner.stop();
    const key = (await pipeline.board.add({ title: '[alpha] another long silent build' })).key;
    const doomed = pipeline.spawn('session-runner', { FAKE_CLAUDE_DEFAULT: 'slow=400000 ignore-closed-stdout' });
    const registry = new SessionRegistry(pipeline.redis);
    const session = await waitFor<LiveSession>(
      'the agent recorded',
      async () => (await registry.list()).find((s) => s.tickets.includes(key) && s.agentPgid),
      60_000,
      50,
    );
    await doomed.stop('SIGKILL');
    // Nothing reaps it now: the orphan keeps running until the rerun fences it.
    expect(groupIsAlive(session.agentPgid!)).toBe(true);

    pipeline.spawn('session-runner');
    await waitFor(
      'the ticket In Review',
      async () => (await pipeline.board.getTicket(key))?.state === 'In Review',
      90_000,
      100,
    );
    expect(groupIsAlive(session.agentPgid!)).toBe(false);
    const fenced = (await pipeline.events.read()).find((e) => e.type === 'session.reaped' && e.ticket === key);
    // The fence kills before its own launch, so its event precedes the ticket's PR.
    expect(fenced?.detail).toMatchObject({ reason: 'fenced', killedGroups: 1, execution: 1 });
    expect((await pipeline.forge.listPrs()).filter((p) => p.tickets.includes(key))).toHaveLength(1);
    expect(await pipeline.counters.attemptsSpent(key)).toBe(0);
    expect(sampler.maxPerWorktree()).toBe(1);
  });
});
