import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { waitFor } from '@nightshift/testing-fakes';

import { podmanUnavailable } from './harness/podman-stack';

// The project's own images started by testcontainers over Podman's Docker-compatible API.
const unavailable =
  process.env['NIGHTSHIFT_PODMAN_TESTS'] === '1'
    ? podmanUnavailable()
    : 'opt-in: set NIGHTSHIFT_PODMAN_TESTS=1 (after bash deploy/podman-setup.sh)';
if (unavailable && process.env['NIGHTSHIFT_REQUIRE_PODMAN'])
  throw new Error(`Podman API tests cannot run in CI: ${unavailable}`);
const describePodman = unavailable ? describe.skip : describe;

describePodman('the images under testcontainers (Podman API)', () => {
  jest.setTimeout(300_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-tc-'));
  const socket = path.join(dir, 'podman.sock');
  let service: ChildProcess;
  const prefix = `nstc${process.pid}`;
  const cleanup: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    service = spawn('podman', ['system', 'service', '--time=0', `unix://${socket}`], { stdio: 'ignore' });
    await waitFor('the Podman API socket', async () => existsSync(socket), 30_000, 100);
    Object.assign(process.env, {
      DOCKER_HOST: `unix://${socket}`,
      TESTCONTAINERS_RYUK_DISABLED: 'true',
      TESTCONTAINERS_HOST_OVERRIDE: 'localhost',
    });
  });

  afterAll(async () => {
    spawnSync('podman', ['rm', '-f', '-t', '2', `${prefix}-router`, `${prefix}-redis`], { stdio: 'ignore' });
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    service?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a router container is ready against a Redis container on one network', async () => {
    // Loaded after DOCKER_HOST is set: testcontainers reads its environment once.
    const { GenericContainer, Network, Wait } = await import('testcontainers');
    const config = path.join(dir, 'nightshift.yaml');
    writeFileSync(
      config,
      JSON.stringify({
        dataDir: '/var/lib/nightshift',
        http: { host: '0.0.0.0' },
        repos: [{ name: 'api', remote: '/nowhere/api.git' }],
      }),
    );
    const network = await new Network().start();
    cleanup.push(() => network.stop());
    // Named, so that afterAll removes them even when start() fails half-way (no Ryuk here to do it).
    // The port is published because Podman lists the image's EXPOSE as a binding testcontainers waits for.
    const redis = await new GenericContainer('localhost/nightshift-redis:local')
      .withName(`${prefix}-redis`)
      .withNetwork(network)
      .withNetworkAliases('redis')
      .withExposedPorts(6379)
      .start();
    const router = await new GenericContainer('localhost/nightshift:dev')
      .withName(`${prefix}-router`)
      .withNetwork(network)
      .withCommand(['router'])
      .withEnvironment({ REDIS_URL: 'redis://redis:6379', NIGHTSHIFT_CONFIG: '/etc/nightshift/nightshift.yaml' })
      .withCopyFilesToContainer([{ source: config, target: '/etc/nightshift/nightshift.yaml', mode: 0o644 }])
      .withExposedPorts(9402)
      .withWaitStrategy(Wait.forHttp('/readyz', 9402).forStatusCode(200))
      .start();
    const res = await fetch(`http://${router.getHost()}:${router.getMappedPort(9402)}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('redis');
    expect((await router.exec(['id', '-u'])).output.trim()).toBe('10001');
    expect(redis.getMappedPort(6379)).toBeGreaterThan(0);
  });
});
