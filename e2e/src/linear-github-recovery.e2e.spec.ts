import { linearSignature } from '@nightshift/testing-fakes';

import { Pipeline, scrapeMetric, waitFor } from './harness';
import { E2E_SECRETS, RemoteFakes, secretForms } from './remote-fakes';

/**
 * What goes wrong with real services: a PR left by a run that crashed before recording it, a
 * webhook that should not wait for the next poll, and a tracker and forge that answer 5xx or
 * rate-limit for a while. Nothing doubles, nothing is lost, nothing crashes, no token leaks.
 */
describe('PR reuse and webhook intake with Linear and GitHub', () => {
  const fakes = new RemoteFakes(['alpha']);
  let pipeline: Pipeline;
  beforeAll(async () => {
    await fakes.start();
    // A slow poll: anything picked up quickly after the first scan came through the webhook.
    pipeline = await Pipeline.start({
      repos: fakes.repos,
      config: fakes.config({ scanIntervalSec: 120 }),
      env: { ...E2E_SECRETS },
    });
    fakes.useRemotes(pipeline.dir);
  });
  afterAll(async () => {
    await pipeline?.stop();
    await fakes.stop();
  });

  it('reuses the PR an earlier run opened, and takes a webhook at once, once', async () => {
    const crashed = fakes.linear.createIssue({
      team: 'ENG',
      title: '[alpha] finished before a crash',
      state: 'Agent Queue',
    }).key;
    const fresh = fakes.linear.createIssue({ team: 'ENG', title: '[alpha] new work', state: 'Agent Queue' }).key;
    const existing = fakes.github.createPull('acme/alpha', {
      head: `agent/${crashed}`,
      title: `${crashed}: finished before a crash`,
    });
    const [, , , scanner] = pipeline.startAll();
    const scannerUrl = await scanner!.url;

    await waitFor(
      'the fresh ticket In Review',
      async () => fakes.linear.issue(fresh).state === 'In Review' && fakes.linear.issue(crashed).state === 'In Review',
      60_000,
      200,
    );
    expect(fakes.github.pulls().filter((p) => p.head === `agent/${crashed}`)).toEqual([
      expect.objectContaining({ number: existing.number, state: 'open' }),
    ]);
    expect(pipeline.agentLaunches().filter((l) => l.cwd.includes(crashed))).toHaveLength(0);

    // After the first poll, a ticket arrives through the webhook alone.
    const late = fakes.linear.createIssue({
      team: 'ENG',
      title: '[alpha] arrived by webhook',
      state: 'Agent Queue',
    }).key;
    const delivery = fakes.linear.webhook(late, E2E_SECRETS.LINEAR_WEBHOOK_SECRET, { deliveryId: 'e2e-delivery-1' });
    const sent = Date.now();
    const first = await fetch(`${scannerUrl}/webhooks/linear`, {
      method: 'POST',
      body: delivery.body,
      headers: delivery.headers,
    });
    expect(first.status).toBe(202);
    const again = await fetch(`${scannerUrl}/webhooks/linear`, {
      method: 'POST',
      body: delivery.body,
      headers: delivery.headers,
    });
    expect(await again.json()).toMatchObject({ result: 'duplicate' });
    const forged = await fetch(`${scannerUrl}/webhooks/linear`, {
      method: 'POST',
      body: delivery.body,
      headers: { ...delivery.headers, 'linear-signature': linearSignature('guess', delivery.body) },
    });
    expect(forged.status).toBe(401);

    await waitFor(
      'a PR for the webhook ticket',
      async () => fakes.github.pulls().some((p) => p.head === `agent/${late}`),
      60_000,
      200,
    );
    expect(Date.now() - sent).toBeLessThan(60_000);
    const scanned = (await pipeline.events.read()).filter((e) => e.type === 'ticket.scanned' && e.ticket === late);
    expect(scanned.map((e) => e.detail?.['source'])).toEqual(['webhook']);
    expect(pipeline.agentLaunches().filter((l) => l.cwd.includes(late))).toHaveLength(1);
    expect(await scrapeMetric(scannerUrl, 'nightshift_webhooks_total', { result: 'duplicate' })).toBe(1);
    expect(await scrapeMetric(scannerUrl, 'nightshift_webhooks_total', { result: 'unauthorized' })).toBe(1);

    const everything = [
      pipeline.allOutput(),
      JSON.stringify(await pipeline.events.read()),
      JSON.stringify(fakes.linear.issues()),
      JSON.stringify(fakes.github.pulls()),
    ].join('\n');
    for (const secret of secretForms()) expect(everything.includes(secret)).toBe(false);
  });
});

describe('Linear and GitHub answering 5xx or rate-limited for a while', () => {
  const fakes = new RemoteFakes(['alpha', 'beta']);
  let pipeline: Pipeline;
  beforeAll(async () => {
    await fakes.start();
    // 20 refused PR creations are ~5 failed runs: a bound high enough that no ticket gives up on them.
    pipeline = await Pipeline.start({
      repos: fakes.repos,
      config: { ...fakes.config({ scanIntervalSec: 1 }), routing: { maxInfraRetries: 20 } },
      env: { ...E2E_SECRETS },
    });
    fakes.useRemotes(pipeline.dir);
  });
  afterAll(async () => {
    await pipeline?.stop();
    await fakes.stop();
  });

  it('skips ticks with a log line and a metric, then finishes every ticket once, without crashing', async () => {
    const keys = [0, 1, 2, 3].map(
      (i) =>
        fakes.linear.createIssue({ team: 'ENG', title: `[${i % 2 ? 'alpha' : 'beta'}] job ${i}`, state: 'Agent Queue' })
          .key,
    );
    // Linear: three requests answered 5xx, then a rate limit lasting 2 s. GitHub: 20 PR creations answered 5xx, more than the retries absorb, so some runs fail and are redone.
    fakes.linear.failWith({ kind: 'server_error', times: 3 });
    fakes.linear.failWith({ kind: 'rate_limited', times: 1, resetInSec: 2 });
    fakes.github.failWith({ kind: 'server_error', times: 20, match: /^POST \/repos\/[^/]+\/[^/]+\/pulls$/ });
    // The scanner alone first: a router's dispatch round lists the same queue and could take the faults meant for it.
    const scanner = pipeline.spawn('ticket-scanner');
    const scannerUrl = await scanner.url;

    await waitFor(
      'a skipped tick for an outage',
      async () => (await scrapeMetric(scannerUrl, 'nightshift_tracker_errors_total', { reason: 'unavailable' })) >= 1,
      20_000,
      100,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${scanner.output.join('\n')}`);
    });
    await waitFor(
      'a skipped tick for a rate limit',
      async () => (await scrapeMetric(scannerUrl, 'nightshift_tracker_errors_total', { reason: 'rate_limited' })) >= 1,
      20_000,
      100,
    );
    expect(await scrapeMetric(scannerUrl, 'nightshift_scans_total', { result: 'error' })).toBeGreaterThanOrEqual(2);
    expect(pipeline.allOutput()).toContain('scan failed; skipping this tick');
    for (const name of ['worktree-manager', 'session-runner', 'router'] as const) pipeline.spawn(name);

    await waitFor(
      'every ticket In Review with one PR',
      async () =>
        keys.every((k) => fakes.linear.issue(k).state === 'In Review' && fakes.linear.issue(k).comments.length > 0),
      100_000,
      250,
    );
    const prs = fakes.github.pulls();
    expect(prs.map((p) => p.head).sort()).toEqual(keys.map((k) => `agent/${k}`).sort());
    for (const key of keys) expect(fakes.linear.issue(key).comments.filter((c) => c.includes('pull'))).toHaveLength(1);
    // The failed PR creations cost runs (infrastructure errors, no attempt spent), never a ticket.
    const runs = await pipeline.runs.list();
    expect(runs.filter((r) => r.outcome === 'success')).toHaveLength(keys.length);
    expect(runs.filter((r) => r.outcome === 'infra_error').length).toBeGreaterThanOrEqual(1);
    expect(pipeline.services.every((s) => s.alive)).toBe(true);

    const everything = [
      pipeline.allOutput(),
      JSON.stringify(await pipeline.events.read()),
      JSON.stringify(runs),
      JSON.stringify(fakes.linear.issues()),
    ].join('\n');
    for (const secret of secretForms()) expect(everything.includes(secret)).toBe(false);
  });
});
