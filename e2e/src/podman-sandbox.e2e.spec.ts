import { readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';

import {
  Pipeline,
  removeNetwork,
  sandboxContainers,
  sandboxUnavailable,
  scrapeMetric,
  serveText,
  waitFor,
} from './harness';

const unavailable = sandboxUnavailable();
if (unavailable && process.env['NIGHTSHIFT_REQUIRE_PODMAN'])
  throw new Error(`Podman sandbox tests cannot run in CI: ${unavailable}`);
const describePodman = unavailable ? describe.skip : describe;

const NETWORK = `nightshift-e2e-sandbox-${process.pid}`;
const DIRECTOR_SECRET = 'director-only-value-9f3c';
const DENIED = 'nightshift_sandbox_egress_denied_total';

describePodman('agent.sandbox: podman', () => {
  jest.setTimeout(180_000);
  let pipeline: Pipeline;
  let allowed: { server: Server; port: number };
  let other: { server: Server; port: number };
  afterAll(async () => {
    await pipeline?.stop();
    allowed?.server.close();
    other?.server.close();
    removeNetwork(NETWORK);
  });

  it('opens its PR exactly as an unsandboxed session does, with bypassPermissions, which is refused outside the sandbox; the agent sees none of the director env and reaches only its allowlist', async () => {
    allowed = await serveText('allowlisted server');
    other = await serveText('some other server');
    pipeline = await Pipeline.start({ repos: ['alpha'], env: { NIGHTSHIFT_E2E_DIRECTOR_SECRET: DIRECTOR_SECRET } });
    const base = JSON.parse(readFileSync(pipeline.configFile, 'utf8')) as Record<string, Record<string, unknown>>;
    const writeConfig = (agent: Record<string, unknown>, repo: Record<string, unknown> = {}) =>
      writeFileSync(
        pipeline.configFile,
        JSON.stringify({
          ...base,
          agent: {
            ...base['agent'],
            accounts: [{ name: 'default', configDir: path.join(pipeline.dir, 'claude') }],
            podman: { network: NETWORK },
            ...agent,
          },
          repos: [
            {
              name: 'alpha',
              remote: './remotes/alpha.git',
              sandbox: { egress: [`127.0.0.1:${allowed.port}`] },
              ...repo,
            },
          ],
        }),
      );

    // 1. Unsandboxed, acceptEdits: the reference PR.
    writeConfig({});
    const plain = await pipeline.board.add({ title: '[alpha] add a widget', description: 'Add it.' });
    const [, runner] = pipeline.startAll();
    const exporter = pipeline.spawn('metrics-exporter');
    await waitFor(
      'the plain ticket In Review',
      async () => (await pipeline.board.getTicket(plain.key))?.state === 'In Review',
      60_000,
      200,
    );
    await runner!.stop();

    // 2. bypassPermissions outside a sandbox: refused at start, saying where and how.
    writeConfig({ permissionMode: 'bypassPermissions' });
    const refused = pipeline.spawn('session-runner');
    expect((await refused.exited).code).toBe(2);
    expect(refused.output.join('\n')).toMatch(
      /refusing to start: .*bypassPermissions.*sandbox for repo alpha on host linux-1 is none/,
    );
    expect(refused.output.join('\n')).toContain('agent.sandbox: podman');

    // 3. The same mode in the Podman sandbox: runs, and the agent probes its world.
    const redisPort = new URL(pipeline.redisUrl).port;
    // The repo's hook and check run in the sandbox too: the hook passes only inside a Podman container (podman
    // sets `container`), the check only where Redis cannot be reached.
    const inContainer = "process.exit(process.env.container === 'podman' ? 0 : 1)";
    const noRedis = `require('net').connect(${redisPort}, '127.0.0.1').on('connect', () => process.exit(1)).on('error', () => process.exit(0))`;
    writeConfig(
      { permissionMode: 'bypassPermissions', sandbox: 'podman' },
      {
        hooks: { beforeRun: ['node', '-e', inContainer] },
        checks: [{ name: 'no-redis', argv: ['node', '-e', noRedis], timeoutSec: 60 }],
      },
    );
    const apiPort = new URL(await exporter.url).port;
    const probes = [
      'fake-agent-env',
      `fake-agent-fetch: http://127.0.0.1:${allowed.port}/`,
      `fake-agent-fetch: http://127.0.0.1:${other.port}/`,
      `fake-agent-fetch: http://127.0.0.1:${apiPort}/api/v1/swarm`,
      `fake-agent-connect: 127.0.0.1:${redisPort}`,
      `fake-agent-connect: 127.0.0.1:${apiPort}`,
    ];
    const boxed = await pipeline.board.add({
      title: '[alpha] add a gadget',
      description: `Add it.\n${probes.join('\n')}`,
    });
    const sandboxed = pipeline.spawn('session-runner');
    await waitFor(
      'the sandboxed ticket In Review',
      async () => (await pipeline.board.getTicket(boxed.key))?.state === 'In Review',
      90_000,
      200,
    );

    // The PR: the same shape as the unsandboxed one.
    const prs = await pipeline.forge.listPrs();
    const [prPlain, prBoxed] = [plain.key, boxed.key].map((k) => prs.find((p) => p.tickets.includes(k))!);
    const shape = (pr: typeof prPlain, key: string) => ({
      ...pr,
      number: 0,
      createdAt: '',
      title: pr!.title.replace(key, 'KEY').replace(/widget|gadget/, 'THING'),
      body: '',
      head: pr!.head.replace(key, 'KEY'),
      tickets: pr!.tickets.map((t) => t.replace(key, 'KEY')),
      url: '',
    });
    expect(shape(prBoxed, boxed.key)).toEqual(shape(prPlain, plain.key));
    expect(prBoxed!.head).toBe(`agent/${boxed.key}`);

    const runs = await pipeline.runs.list();
    const run = runs.find((r) => r.tickets.includes(boxed.key))!;
    expect(runs.find((r) => r.tickets.includes(plain.key))!.sandbox).toBeUndefined();
    expect(run).toMatchObject({
      outcome: 'success',
      sandbox: { mode: 'podman', image: 'localhost/nightshift-sandbox:local' },
    });
    const lines = readFileSync(run.logPath!, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l['subtype'] === 'init')).toMatchObject({ permissionMode: 'bypassPermissions' });
    const found = lines.filter((l) => l['subtype'] === 'fake_probe');

    // None of the director's environment: not its secrets, not its Redis. (The fake's own FAKE_CLAUDE_* test
    // settings do reach it: the harness passes them by name through agent.env.pass, as an operator would.)
    const names = found.find((p) => p['probe'] === 'env')!['names'] as string[];
    for (const name of ['NIGHTSHIFT_E2E_DIRECTOR_SECRET', 'REDIS_URL', 'GITHUB_TOKEN', 'NIGHTSHIFT_CONFIG'])
      expect(names).not.toContain(name);
    expect(names).toEqual(expect.arrayContaining(['NIGHTSHIFT_SESSION', 'CLAUDE_CONFIG_DIR', 'HTTPS_PROXY']));
    expect(JSON.stringify(lines)).not.toContain(DIRECTOR_SECRET);

    // Through the proxy: the allowlisted server, and nothing else (refused with 403); directly: nothing.
    const fetches = found.filter((p) => p['probe'] === 'fetch');
    expect(fetches.map((f) => [f['status'], f['body']])).toEqual([
      [200, 'allowlisted server'],
      [403, expect.stringContaining('not on this sandbox')],
      [403, expect.stringContaining('not on this sandbox')],
    ]);
    const connects = found.filter((p) => p['probe'] === 'connect');
    expect(connects).toHaveLength(2);
    for (const c of connects) expect(c).toMatchObject({ ok: false });

    // Each refusal counted on the run, its event, and the metric.
    expect(run.sandbox).toMatchObject({
      egressDenied: 2,
      deniedHosts: [`127.0.0.1:${other.port}`, `127.0.0.1:${apiPort}`],
    });
    const event = (await pipeline.events.read()).find((e) => e.type === 'session.egress_denied');
    expect(event).toMatchObject({ repo: 'alpha', detail: { count: 2 } });
    expect(await scrapeMetric(await sandboxed.url, DENIED, { repo: 'alpha' })).toBe(2);
    expect(pipeline.allOutput()).toContain('sandbox egress denied');
    const checks = (await pipeline.events.read()).filter((e) => e.type === 'check.finished' && e.ticket === boxed.key);
    expect(checks.map((e) => e.detail)).toEqual([expect.objectContaining({ name: 'no-redis', outcome: 'passed' })]);
    expect(sandboxContainers('nightshift.host=linux-1')).toEqual([]);
  });
});
