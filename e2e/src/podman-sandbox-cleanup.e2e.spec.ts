import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { freePort } from '@nightshift/service-shell';

import {
  Pipeline,
  quickRecoveryConfig,
  removeContainers,
  removeNetwork,
  sandboxContainers,
  sandboxUnavailable,
  UpProcess,
  waitFor,
} from './harness';

const unavailable = sandboxUnavailable();
if (unavailable && process.env['NIGHTSHIFT_REQUIRE_PODMAN'])
  throw new Error(`Podman sandbox tests cannot run in CI: ${unavailable}`);
const describePodman = unavailable ? describe.skip : describe;

const NETWORK = `nightshift-e2e-cleanup-${process.pid}`;
const HOST = `sandbox-${process.pid}`;
const INTERVAL_SEC = 2;
const GRACE_SEC = 1;
// A pass that removes a container: podman rm, on a loaded 2-core machine, on top of interval + grace.
const PASS_SLACK_MS = 6000;
/** An agent in a long silent tool call, that survives its closed stdout. */
const LONG = 'Build it.\nfake-agent: slow=400000 ignore-closed-stdout';

describePodman('sandbox containers never outlive their runner', () => {
  jest.setTimeout(300_000);
  let pipeline: Pipeline;
  let up: UpProcess | undefined;
  const mine = () => sandboxContainers(`nightshift.host=${HOST}`);
  beforeAll(async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: quickRecoveryConfig({
        reaper: { intervalSec: INTERVAL_SEC, graceSec: GRACE_SEC },
        agent: { sessionTimeoutMin: 20, stallTimeoutSec: 900, sandbox: 'podman', podman: { network: NETWORK } },
      }),
    });
    const config = JSON.parse(readFileSync(pipeline.configFile, 'utf8')) as Record<string, Record<string, unknown>>;
    config['hosts'] = [{ name: HOST, capabilities: ['linux'], slots: 2 }] as unknown as Record<string, unknown>;
    config['agent'] = {
      ...config['agent'],
      accounts: [{ name: 'default', configDir: path.join(pipeline.dir, 'claude') }],
    };
    writeFileSync(pipeline.configFile, JSON.stringify(config));
  });
  afterAll(async () => {
    await up?.stop();
    await pipeline?.stop();
    removeContainers(mine()); // left only by a failed test
    removeNetwork(NETWORK);
  });

  it('a runner SIGKILLed mid-session leaves no container after one reaper interval + grace', async () => {
    const key = (await pipeline.board.add({ title: '[alpha] a long silent build', description: LONG })).key;
    pipeline.spawn('worktree-manager');
    pipeline.spawn('zombie-reaper');
    const doomed = pipeline.spawn('session-runner');
    pipeline.spawn('router');
    pipeline.spawn('ticket-scanner');
    const [container] = await waitFor(
      'the agent container running',
      async () => (mine().length ? mine() : null),
      90_000,
      200,
    );
    expect(container).toMatch(new RegExp(`^nightshift-agent-${key}\\.`));
    await doomed.stop('SIGKILL');
    const killedAt = Date.now();
    const budgetMs = (INTERVAL_SEC + GRACE_SEC) * 1000 + PASS_SLACK_MS;
    await waitFor('no container left', async () => mine().length === 0, budgetMs, 100);
    expect(Date.now() - killedAt).toBeLessThanOrEqual(budgetMs);
    await Promise.all(pipeline.services.map((s) => s.stop()));
  });

  it('`nightshift up` stopped mid-session leaves no container', async () => {
    const config = JSON.parse(readFileSync(pipeline.configFile, 'utf8')) as Record<string, unknown>;
    const ports: Record<string, number> = {};
    for (const s of [
      'ticket-scanner',
      'router',
      'worktree-manager',
      'session-runner',
      'zombie-reaper',
      'memory-consolidator',
      'metrics-exporter',
    ])
      ports[s] = await freePort();
    writeFileSync(pipeline.configFile, JSON.stringify({ ...config, http: { ports } }));
    await pipeline.board.add({ title: '[alpha] another long build', description: LONG });
    up = new UpProcess(pipeline.configFile);
    await waitFor('the agent container running under up', async () => mine().length > 0, 150_000, 500);
    expect(await up.stop()).toBe(0);
    expect(mine()).toEqual([]);
  });
});
