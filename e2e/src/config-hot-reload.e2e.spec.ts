import { readFileSync, writeFileSync } from 'node:fs';

import { Pipeline, waitFor } from './harness';

/** Edits nightshift.yaml while every service runs: valid edits apply without a restart, a broken one is ignored. */
describe('config hot reload', () => {
  let pipeline: Pipeline;
  afterEach(() => pipeline?.stop());

  const reloadedBy = async (service: string, since: string) =>
    (await pipeline.events.read(since)).find((e) => e.type === 'config.reloaded' && e.detail?.['service'] === service);
  const rejectedBy = async (service: string, since: string) =>
    (await pipeline.events.read(since)).find((e) => e.type === 'config.rejected' && e.detail?.['service'] === service);
  const lastEventId = async () => (await pipeline.events.read()).at(-1)?.id ?? '-';

  it('takes a new routing.maxAttempts and new repo keywords at once; a broken edit is ignored with an event and the old config still routes', async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: { routing: { maxAttempts: 3, retryDelaySec: 1 } },
      env: { NIGHTSHIFT_CONFIG_POLL_MS: '200' },
    });
    const services = pipeline.startAll();
    await waitFor(
      'every service ready',
      async () => services.every((s) => s.output.some((l) => l.includes('"msg":"ready"'))),
      60_000,
      100,
    );

    // Before the edit, "zebra" routes nowhere.
    const before = await pipeline.board.add({ title: 'zebra crossing before the edit' });
    await waitFor(
      'the unroutable ticket skipped',
      async () => (await pipeline.events.read()).some((e) => e.type === 'ticket.skipped' && e.ticket === before.key),
      30_000,
      100,
    );

    const config = JSON.parse(readFileSync(pipeline.configFile, 'utf8')) as {
      routing: Record<string, number>;
      repos: Array<{ keywords: string[] }>;
    };
    config.routing['maxAttempts'] = 1;
    config.repos[0]!.keywords.push('zebra');
    let since = await lastEventId();
    writeFileSync(pipeline.configFile, JSON.stringify(config, null, 2));
    const routerReload = await waitFor('the router reloaded', () => reloadedBy('router', since), 30_000, 100);
    expect(String(routerReload.detail?.['applied']).split(',').sort()).toEqual(['repos', 'routing.maxAttempts']);
    await waitFor('the session-runner reloaded', () => reloadedBy('session-runner', since), 30_000, 100);

    // The new keyword routes it; the new maxAttempts (1) sends it to a human after one failed attempt, not three.
    const failing = await pipeline.board.add({ title: 'zebra stripes fade', description: 'fake-agent: fail' });
    await waitFor(
      'the failing ticket with a human',
      async () => (await pipeline.board.getTicket(failing.key))?.state === 'Needs Human',
      60_000,
      100,
    );
    expect(
      (await pipeline.events.read()).find((e) => e.type === 'ticket.routed' && e.ticket === failing.key)?.repo,
    ).toBe('alpha');
    expect(await pipeline.counters.attemptsSpent(failing.key)).toBe(1);

    // A broken edit: every service says so once, and keeps routing by the last good config.
    since = await lastEventId();
    writeFileSync(pipeline.configFile, '{ "repos": [ { "name": "alpha", ');
    const rejected = await waitFor('the router rejected the edit', () => rejectedBy('router', since), 30_000, 100);
    expect(String(rejected.detail?.['reason'])).toContain(pipeline.configFile);
    const after = await pipeline.board.add({ title: 'zebra herd after the broken edit' });
    await waitFor(
      'the ticket In Review',
      async () => (await pipeline.board.getTicket(after.key))?.state === 'In Review',
      60_000,
      100,
    );
    expect((await pipeline.forge.listPrs()).filter((p) => p.tickets.includes(after.key)).map((p) => p.repo)).toEqual([
      'alpha',
    ]);
    // The ticket that routed nowhere before the edit is picked up by the next scan under the new keyword.
    await waitFor(
      'the early ticket In Review',
      async () => (await pipeline.board.getTicket(before.key))?.state === 'In Review',
      60_000,
      100,
    );
    expect(services.every((s) => s.alive)).toBe(true);
  });
});
