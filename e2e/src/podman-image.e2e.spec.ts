import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { podman, podmanUnavailable } from './harness/podman-stack';

// What is inside the image users deploy: who it runs as, and that no layer carries a secret.
const unavailable =
  process.env['NIGHTSHIFT_PODMAN_TESTS'] === '1'
    ? podmanUnavailable()
    : 'opt-in: set NIGHTSHIFT_PODMAN_TESTS=1 (after bash deploy/podman-setup.sh)';
if (unavailable && process.env['NIGHTSHIFT_REQUIRE_PODMAN'])
  throw new Error(`Podman image tests cannot run in CI: ${unavailable}`);
const describePodman = unavailable ? describe.skip : describe;

/** Token shapes of the services Nightshift talks to, and private keys. */
const SECRET_SHAPES = [
  'ghp_[A-Za-z0-9]{36}',
  'github_pat_[A-Za-z0-9_]{60,}',
  'lin_api_[A-Za-z0-9]{40}',
  'sk-ant-[a-z0-9]+-[A-Za-z0-9_-]{80,}',
  'xox[abpr]-[0-9]{6,}-',
  // a key, not documentation that shows the header (npm's docs do): the header, then key material
  '-----BEGIN (RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----\\r?\\n[A-Za-z0-9+/=]{60,}',
];

describePodman('the Nightshift image', () => {
  jest.setTimeout(300_000);
  const image = 'localhost/nightshift:dev';
  const BASE = 'localhost/nightshift-node-base:20';

  it('runs as the non-root user nightshift (uid 10001)', async () => {
    expect((await podman(['image', 'inspect', image, '--format', '{{.Config.User}}'])).trim()).toBe('nightshift');
    expect((await podman(['run', '--rm', '--entrypoint', 'id', image, '-u'])).trim()).toBe('10001');
  });

  it('carries no .env file and no token or private key in any layer', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-image-'));
    try {
      await podman(['save', '--format', 'docker-dir', '-o', path.join(dir, 'image'), image], 300_000);
      // The layers this project's build adds; the base image's own (Debian, Node) are not ours to scan.
      const base = JSON.parse(
        await podman(['image', 'inspect', BASE, '--format', '{{json .RootFS.Layers}}']),
      ) as string[];
      const baseDigests = new Set(base.map((d) => d.replace('sha256:', '')));
      const manifest = JSON.parse(readFileSync(path.join(dir, 'image', 'manifest.json'), 'utf8')) as {
        layers: Array<{ digest: string }>;
      };
      const layers = manifest.layers.map((l) => l.digest.replace('sha256:', '')).filter((d) => !baseDigests.has(d));
      expect(layers.length).toBeGreaterThan(3);
      for (const layer of layers) {
        const file = path.join(dir, 'image', layer);
        const names = execFileSync('tar', ['-tf', file], { maxBuffer: 512 * 1024 * 1024 })
          .toString()
          .split('\n');
        expect(names.filter((n) => /(^|\/)\.env(\.[^/]*)?$/.test(n) && !n.endsWith('.env.example'))).toEqual([]);
        expect(
          names.filter((n) => /(^|\/)(\.npmrc|\.git-credentials|credentials\.json|\.claude\/.+)$/.test(n)),
        ).toEqual([]);
        // grep exits 1 when nothing matches; any match is printed for the failure message.
        const hits = execFileSync(
          'sh',
          [
            '-c',
            `tar -xOf "$1" | grep -a -z -o -P "$2" | tr "\\0" "\\n" | head -5 || true`,
            'scan',
            file,
            SECRET_SHAPES.join('|'),
          ],
          {
            maxBuffer: 64 * 1024 * 1024,
          },
        ).toString();
        expect(hits).toBe('');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
