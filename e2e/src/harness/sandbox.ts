import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { podmanUnavailable } from './podman-stack';

export const SANDBOX_IMAGE = 'localhost/nightshift-sandbox:local';

/** Why the sandbox specs cannot run here (as the other Podman specs: opt-in, required in CI), or null. */
export function sandboxUnavailable(): string | null {
  if (process.env['NIGHTSHIFT_PODMAN_TESTS'] !== '1')
    return 'opt-in: set NIGHTSHIFT_PODMAN_TESTS=1 (after bash deploy/podman-setup.sh)';
  const podman = podmanUnavailable();
  if (podman) return podman;
  return spawnSync('podman', ['image', 'exists', SANDBOX_IMAGE]).status === 0
    ? null
    : `image missing: ${SANDBOX_IMAGE} (run: bash deploy/podman-setup.sh)`;
}

/** Names of the sandbox containers (running or not) whose label matches, e.g. `nightshift.host=linux-1`. */
export function sandboxContainers(label: string): string[] {
  return execFileSync('podman', ['ps', '-a', '--filter', `label=${label}`, '--format', '{{.Names}}'])
    .toString()
    .split('\n')
    .filter(Boolean);
}

export function removeContainers(names: string[]): void {
  if (names.length) spawnSync('podman', ['rm', '-f', ...names]);
}

export function removeNetwork(name: string): void {
  spawnSync('podman', ['network', 'rm', '-f', name]);
}

/** A loopback HTTP server that answers `text` to every request. */
export function serveText(text: string): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((_req, res) => res.end(text)).listen(0, '127.0.0.1', () =>
      resolve({ server, port: (server.address() as AddressInfo).port }),
    );
  });
}

/** The fake agent's `fake_probe` lines (and its init line) from a session log. */
export function sessionLogLines(logPath: string): Array<Record<string, unknown>> {
  return readFileSync(logPath, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
