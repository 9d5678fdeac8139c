import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

import { awaitPodmanSetup } from '@nightshift/testing-fakes';

import { REPO_ROOT } from './service-process';

const run = promisify(execFile);

/** The images deploy/podman-setup.sh builds; the deployment tests run only where they exist. */
export const STACK_IMAGES = [
  'localhost/nightshift:dev',
  'localhost/nightshift-redis:local',
  'localhost/nightshift-prometheus:local',
  'localhost/debian:bookworm',
];

/** Why the Podman deployment cannot be tested here, or null when it can. */
export function podmanUnavailable(): string | null {
  // .ci/run sets it when deploy/podman-setup.sh failed: images may be missing or stale.
  if (process.env['NIGHTSHIFT_PODMAN_UNAVAILABLE']) return process.env['NIGHTSHIFT_PODMAN_UNAVAILABLE'];
  const setup = awaitPodmanSetup();
  if (setup) return setup;
  for (const tool of ['podman', 'podman-compose']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
      return `${tool} is not installed (run: bash deploy/podman-setup.sh)`;
  }
  const missing = STACK_IMAGES.filter((image) => spawnSync('podman', ['image', 'exists', image]).status !== 0);
  return missing.length ? `images missing: ${missing.join(', ')} (run: bash deploy/podman-setup.sh)` : null;
}

export async function podman(args: string[], timeoutMs = 120_000): Promise<string> {
  const { stdout } = await run('podman', args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** `podman-compose -f compose/primary.yaml -f compose/ci.yaml` for one project, with `env` for ${...}. */
export class ComposeStack {
  constructor(
    readonly project: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  async compose(args: string[], timeoutMs = 300_000): Promise<string> {
    const files = ['-f', 'compose/primary.yaml', '-f', 'compose/ci.yaml'];
    const { stdout } = await run('podman-compose', ['-p', this.project, ...files, ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...this.env },
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  }

  /** Names of this project's containers (running or not). */
  async containers(): Promise<string[]> {
    const out = await podman([
      'ps',
      '-a',
      '--filter',
      `label=io.podman.compose.project=${this.project}`,
      '--format',
      '{{.Names}}',
    ]);
    return out.split('\n').filter(Boolean);
  }

  /** The documented teardown: `down` (with the test project's volumes), then the network podman-compose 1.0.3 leaves behind. */
  async down(): Promise<void> {
    await this.compose(['down', '-v', '-t', '20']).catch(() => undefined);
    await podman(['network', 'rm', '-f', `${this.project}_default`]).catch(() => undefined);
  }
}
