import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';

import { awaitPodmanSetup } from '@nightshift/testing-fakes';

import type { AgentRunRequest } from '../agent-adapter';
import { ClaudeCodeAdapter } from '../claude-code.adapter';
import { GroupCpuMeter } from '../process-cpu';
import { PodmanSandbox, type SandboxSession } from './podman-sandbox';
import { listSandboxContainers } from './sandbox-containers';

// Opt-in like the e2e Podman specs: needs rootful Podman and the image deploy/podman-setup.sh builds.
const IMAGE = 'localhost/nightshift-sandbox:local';
const setupFailed = process.env['NIGHTSHIFT_PODMAN_TESTS'] === '1' ? awaitPodmanSetup() : null;
if (setupFailed && process.env['NIGHTSHIFT_REQUIRE_PODMAN'])
  throw new Error(`Podman sandbox tests cannot run in CI: ${setupFailed}`);
const usable =
  process.env['NIGHTSHIFT_PODMAN_TESTS'] === '1' && spawnSync('podman', ['image', 'exists', IMAGE]).status === 0;
const describePodman = usable ? describe : describe.skip;
const FAKE = resolve(__dirname, '../../../../tools/fake-claude/fake-claude.js');

jest.setTimeout(60_000);

/** The fake agent's probe lines, from the session log (the adapter keeps only the events it understands). */
function probesIn(logPath: string): Array<Record<string, unknown>> {
  return readFileSync(logPath, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"fake_probe"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describePodman('an agent in a Podman sandbox', () => {
  let root: string;
  let allowed: Server;
  let other: Server;
  const denied: string[] = [];
  const sandbox = new PodmanSandbox({
    podman: 'podman',
    network: `nightshift-test-${process.pid}`,
    host: `test-${process.pid}`,
    vendorEgress: ['api.anthropic.com'],
    onDenied: (owner, d) => denied.push(`${owner.repo} ${d.host}:${d.port}`),
  });
  const adapter = new ClaudeCodeAdapter({ command: FAKE, killGraceMs: 1000 });
  const port = (s: Server) => (s.address() as AddressInfo).port;
  const serve = (text: string) =>
    new Promise<Server>((ok) => {
      const server = createServer((_req, res) => res.end(text)).listen(0, '127.0.0.1', () => ok(server));
    });

  beforeAll(async () => {
    root = mkdtempSync('/tmp/ns-sandbox-');
    allowed = await serve('allowed server');
    other = await serve('other server');
  });
  afterAll(async () => {
    await sandbox.close();
    allowed.close();
    other.close();
    spawnSync('podman', ['network', 'rm', '-f', `nightshift-test-${process.pid}`]);
    rmSync(root, { recursive: true, force: true });
  });

  async function open(name: string): Promise<{ box: SandboxSession; req: AgentRunRequest }> {
    const cwd = join(root, name);
    mkdirSync(cwd, { recursive: true });
    const session = `${name}.1#tag${process.pid}`;
    const box = await sandbox.open({
      repo: 'alpha',
      sessionEnvValue: session,
      worktree: cwd,
      image: IMAGE,
      cpus: 1,
      memory: '512m',
      readOnlyRoot: true,
      egress: [`127.0.0.1:${port(allowed)}`],
      credentialDir: join(root, 'claude'),
      agentCommand: FAKE,
    });
    const req: AgentRunRequest = {
      runId: name,
      cwd,
      prompt: '',
      model: 'sonnet',
      maxTurns: 5,
      permissionMode: 'bypassPermissions',
      timeoutMs: 30_000,
      logPath: join(root, 'logs', `${name}.log`),
      env: { NIGHTSHIFT_SESSION: session, IS_SANDBOX: '1', PATH: '/host/only/bin' },
      sandbox: box.layer,
    };
    return { box, req };
  }

  it('sees only the env it was given, reaches an allowlisted server through the proxy and nothing else; refusals are counted', async () => {
    process.env['NIGHTSHIFT_DIRECTOR_SECRET'] = 'director-only';
    const { box, req } = await open('probe');
    const [net] = JSON.parse(
      spawnSync('podman', ['network', 'inspect', `nightshift-test-${process.pid}`]).stdout.toString(),
    ) as Array<{ subnets: Array<{ gateway: string }> }>;
    const gateway = net!.subnets[0]!.gateway;
    const prompt = [
      'Ticket: SBX-1',
      'fake-agent-env',
      `fake-agent-fetch: http://127.0.0.1:${port(allowed)}/`,
      `fake-agent-fetch: http://127.0.0.1:${port(other)}/`,
      `fake-agent-connect: 127.0.0.1:${port(allowed)}`,
      `fake-agent-connect: ${gateway}:${port(other)}`,
      'fake-agent-connect: 1.1.1.1:443',
    ].join('\n');
    const run = await adapter.run({ ...req, prompt });
    const report = await box.close();
    delete process.env['NIGHTSHIFT_DIRECTOR_SECRET'];
    expect(run.exitCode).toBe(0);
    const probes = probesIn(req.logPath);
    const names = probes.find((p) => p['probe'] === 'env')!['names'] as string[];
    expect(names).toEqual(expect.arrayContaining(['NIGHTSHIFT_SESSION', 'IS_SANDBOX', 'HTTPS_PROXY', 'HOME']));
    expect(names).not.toContain('NIGHTSHIFT_DIRECTOR_SECRET');
    expect(names).not.toContain('REDIS_URL');
    const fetches = probes.filter((p) => p['probe'] === 'fetch');
    expect(fetches[0]).toMatchObject({ via: 'proxy', ok: true, status: 200, body: 'allowed server' });
    expect(fetches[1]).toMatchObject({ via: 'proxy', ok: false, status: 403 });
    // Directly, nothing: the container's own loopback, the host through the gateway, the world.
    expect(probes.filter((p) => p['probe'] === 'connect').map((p) => p['ok'])).toEqual([false, false, false]);
    expect(report).toMatchObject({ mode: 'podman', egressDenied: 1, deniedHosts: [`127.0.0.1:${port(other)}`] });
    expect(denied).toContain(`alpha 127.0.0.1:${port(other)}`);
    expect(await listSandboxContainers('podman', `nightshift.session=probe.1#tag${process.pid}`)).toEqual([]);
  });

  it('ends its container when the session is canceled (SIGTERM to the podman client, then rm -f)', async () => {
    const { box, req } = await open('cancel');
    const abort = new AbortController();
    let pid = 0;
    const running = adapter.run({
      ...req,
      prompt: 'Ticket: SBX-2\nfake-agent: ignore-sigterm slow=600000',
      signal: abort.signal,
      onSpawn: () => void box.containerPid().then((p) => (pid = p ?? 0)),
    });
    for (let i = 0; i < 100 && pid === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(pid).toBeGreaterThan(0);
    abort.abort();
    const run = await running;
    await box.close();
    expect(run.canceled).toBe(true);
    expect(await listSandboxContainers('podman', `nightshift.session=cancel.1#tag${process.pid}`)).toEqual([]);
  });

  it("measures the CPU of the container's processes from its init pid (stall detection)", async () => {
    const { box, req } = await open('cpu');
    let meter: GroupCpuMeter | undefined;
    const samples: Array<number | null> = [];
    const running = adapter.run({
      ...req,
      prompt: 'Ticket: SBX-3\nfake-agent: tool-burn=2500',
      onSpawn: () =>
        void box.containerPid().then(async (p) => {
          meter = new GroupCpuMeter(p!);
          for (let i = 0; i < 20; i++) {
            samples.push(await meter.sample());
            await new Promise((r) => setTimeout(r, 100));
          }
        }),
    });
    await running;
    await box.close();
    writeFileSync(join(root, 'cpu-samples.json'), JSON.stringify(samples));
    expect(Math.max(...samples.map((s) => s ?? 0))).toBeGreaterThan(500);
  });
});
