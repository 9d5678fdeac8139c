import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { awaitPodmanSetup } from './podman-setup-wait';

let dir: string;
const saved = { ...process.env };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ns-podman-wait-'));
  process.env['NIGHTSHIFT_PODMAN_SETUP_STATUS'] = join(dir, 'status');
  process.env['NIGHTSHIFT_PODMAN_SETUP_LOG'] = join(dir, 'setup.log');
});
afterEach(() => {
  process.env = { ...saved };
  rmSync(dir, { recursive: true, force: true });
});

describe('awaitPodmanSetup', () => {
  it('answers at once when no setup runs in the background', () => {
    delete process.env['NIGHTSHIFT_PODMAN_SETUP_STATUS'];
    expect(awaitPodmanSetup(0)).toBeNull();
  });

  it('waits for a setup that finishes later, then reports it ready', () => {
    spawn('sh', ['-c', `sleep 1; echo 0 > '${join(dir, 'status')}'`], { stdio: 'ignore' });
    const started = Date.now();
    expect(awaitPodmanSetup(30_000)).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('names a failed setup with its exit code and the end of its log', () => {
    writeFileSync(join(dir, 'setup.log'), 'step one\nE: Unable to locate package podman\n');
    writeFileSync(join(dir, 'status'), '100\n');
    const why = awaitPodmanSetup(1_000);
    expect(why).toContain('deploy/podman-setup.sh failed (exit 100)');
    expect(why).toContain('E: Unable to locate package podman');
  });

  it('gives up on a setup that never finishes, saying so', () => {
    writeFileSync(join(dir, 'setup.log'), 'building localhost/nightshift:dev\n');
    expect(awaitPodmanSetup(1_200)).toMatch(/did not finish within .*building localhost\/nightshift:dev/s);
  });
});
