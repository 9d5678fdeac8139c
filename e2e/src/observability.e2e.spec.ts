import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { Pipeline, PrometheusServer, type ServiceProcess, waitFor } from './harness';

/**
 * A real Prometheus (Debian's `prometheus`, started here on a free port with the repository's own
 * prometheus.yml and rules) scrapes a running local swarm: after a scripted run, PromQL through its
 * HTTP API returns the numbers of that run, and "swarm idle with work queued" fires when the only
 * session-runner is gone while a ticket waits.
 */
const hasPrometheus = (() => {
  try {
    execFileSync('prometheus', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    process.stderr.write(
      'observability.e2e: no `prometheus` binary, skipping (apt-get install prometheus; CI installs it)\n',
    );
    return false;
  }
})();
if (process.env['CI'] && !hasPrometheus) throw new Error('CI must have the prometheus package (.ci/run installs it)');

(hasPrometheus ? describe : describe.skip)('Prometheus scraping a running swarm', () => {
  let pipeline: Pipeline;
  let prometheus: PrometheusServer | undefined;
  let runner: ServiceProcess;

  beforeAll(async () => {
    pipeline = await Pipeline.start({ repos: ['alpha'] });
    runner = pipeline.spawn('session-runner');
    for (const name of ['worktree-manager', 'router', 'ticket-scanner', 'metrics-exporter'] as const)
      pipeline.spawn(name);
    const targets: Record<string, string[]> = {};
    for (const service of pipeline.services) targets[service.name] = [await service.url];
    prometheus = await PrometheusServer.start({
      dir: path.join(pipeline.dir, 'prometheus'),
      targets,
      alertFor: { NightshiftSwarmIdleWithWorkQueued: '2s' },
    });
  }, 120_000);
  afterAll(async () => {
    await prometheus?.stop();
    await pipeline?.stop();
  });

  /** Polls PromQL until it returns `expected` (scrapes lag the swarm by a second or two). */
  const expectQuery = (promql: string, expected: number) =>
    waitFor(`${promql} == ${expected}`, async () => (await prometheus!.query(promql)) === expected, 30_000, 250).catch(
      async (err: Error) => {
        throw new Error(`${err.message}; last value: ${await prometheus!.query(promql)}`);
      },
    );

  it('after 5 successes, 2 rate limits and 1 Needs Human, PromQL returns those numbers', async () => {
    // Each of the two rate limits happens exactly once (the fake counts the ticket's launches), whatever the timing.
    const tickets = [
      { title: '[alpha] limited once', description: 'fake-agent: rate-limit launches=1' },
      { title: '[alpha] limited once too', description: 'fake-agent: rate-limit launches=1' },
      ...Array.from({ length: 5 }, (_, i) => ({ title: `[alpha] plain work ${i}` })),
      {
        title: '[alpha] asks a human',
        description:
          'fake-agent: no-diff\nfake-agent-says: Please update the AUTH_URL environment variable in the Vercel dashboard.',
      },
    ];
    const keys: string[] = [];
    for (const t of tickets) keys.push((await pipeline.board.add(t)).key);
    await waitFor(
      '7 tickets In Review and 1 in Needs Human',
      async () => {
        const states = await Promise.all(keys.map(async (k) => (await pipeline.board.getTicket(k))?.state));
        return (
          states.filter((s) => s === 'In Review').length === 7 && states.filter((s) => s === 'Needs Human').length === 1
        );
      },
      120_000,
      300,
    );

    // The swarm can finish before Prometheus has discovered and scraped every target: wait for that, then compare.
    const allUp = {
      'ticket-scanner': 'up',
      router: 'up',
      'worktree-manager': 'up',
      'session-runner': 'up',
      'metrics-exporter': 'up',
    };
    await waitFor(
      'every target scraped and up',
      async () => {
        const health = await prometheus!.targetHealth();
        return Object.keys(health).length === 5 && Object.values(health).every((h) => h === 'up');
      },
      30_000,
      250,
    ).catch(() => undefined);
    expect(await prometheus!.targetHealth()).toEqual(allUp);
    // 5 plain successes plus the 2 rate-limited tickets, which succeed on their second launch.
    await expectQuery('sum(nightshift_runs_total{outcome="success"})', 7);
    await expectQuery('sum(nightshift_runs_total{outcome="rate_limited"})', 2);
    await expectQuery('sum(nightshift_runs_total{outcome="no_changes"})', 1);
    await expectQuery('sum(nightshift_runs_total)', 10);
    await expectQuery('sum(nightshift_ticket_moves_total{to="Needs Human"})', 1);
    await expectQuery('sum(nightshift_ticket_moves_total{to="In Review"})', 7);
    // The runner's own counter agrees with the exporter's totals from the run records.
    await expectQuery('sum(nightshift_sessions_total{outcome="rate_limited"})', 2);
    // Cost: exactly what the run records say, summed in Redis and in PromQL.
    const recorded = (await pipeline.runs.list()).reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
    expect(recorded).toBeGreaterThan(0);
    expect(await prometheus!.query('sum(nightshift_run_cost_usd_total)')).toBeCloseTo(recorded, 9);
    await expectQuery('sum(nightshift_queue_jobs{queue="session.linux",state=~"waiting|prioritized"})', 0);
    expect(
      await prometheus!.query('time() - max(nightshift_tracker_last_success_timestamp_seconds{tracker="local"})'),
    ).toBeLessThan(30);
    // A rate-limited ticket waiting out its pause can make the alert pending for a moment during the run; once the
    // queue is empty the next rule evaluation (every second here) must clear it.
    const idleAlerts = async () =>
      (await prometheus!.alerts()).filter((a) => a.labels['alertname'] === 'NightshiftSwarmIdleWithWorkQueued');
    await waitFor('the idle-swarm alert cleared', async () => (await idleAlerts()).length === 0, 15_000, 250).catch(
      () => undefined,
    );
    expect(await idleAlerts()).toEqual([]);
  }, 240_000);

  it('fires "swarm idle with work queued" when the only session-runner is gone and a ticket waits', async () => {
    await runner.stop();
    await pipeline.board.add({ title: '[alpha] arrives at night' });
    // Back-pressure: with no live host the ticket is not dispatched; it waits in the queue state, counted by capability.
    await expectQuery('sum(nightshift_dispatch_waiting_tickets{capability="linux"})', 1);
    const alert = await waitFor(
      'the alert firing',
      async () =>
        (await prometheus!.alerts()).find(
          (a) => a.labels['alertname'] === 'NightshiftSwarmIdleWithWorkQueued' && a.state === 'firing',
        ),
      60_000,
      250,
    );
    expect(alert.annotations['summary']).toBe(
      '1 session jobs or tickets wait, no session runs and neither intake nor an account is paused',
    );
    expect(alert.annotations['runbook']).toContain('session-runner');
  }, 120_000);
});
