import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { podman, podmanUnavailable } from './harness/podman-stack';

// What is inside the image users deploy: who it runs as, and that no layer carries a secret.
const unavailable = podmanUnavailable();
if (unavailable && process.env['NIGHTSHIFT_REQUIRE_PODMAN']) throw new Error(`Podman image tests cannot run in CI: ${unavailable}`);
const describePodman = unavailable ? describe.skip : describe;

/** Token shapes of the services Nightshift talks to, and private keys. */
const SECRET_SHAPES = [
  'ghp_[A-Za-z0-9]{36}',
  'github_pat_[A-Za-z0-9_]{60,}',
  'lin_api_[A-Za-z0-9]{40}',
  'sk-ant-[a-z0-9]+-[A-Za-z0-9_-]{80,}',
  'xox[abpr]-[0-9]{6,}-',
  '-----BEGIN (RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----',
];

describePodman('the Nightshift image', () => {
  jest.setTimeout(300_000);
  const image = 'localhost/nightshift:dev';

  it('runs as the non-root user nightshift (uid 10001)', async () => {
    expect((await podman(['image', 'inspect', image, '--format', '{{.Config.User}}'])).trim()).toBe('nightshift');
    expect((await podman(['run', '--rm', '--entrypoint', 'id', image, '-u'])).trim()).toBe('10001');
  });

  it('carries no .env file and no token or private key in any layer', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-image-'));
    try {
      await podman(['save', '--format', 'docker-dir', '-o', path.join(dir, 'image'), image], 300_000);
      const layers = readdirSync(path.join(dir, 'image')).filter((f) => statSync(path.join(dir, 'image', f)).size > 1024 && f !== 'manifest.json');
      expect(layers.length).toBeGreaterThan(1);
      for (const layer of layers) {
        const file = path.join(dir, 'image', layer);
        const names = execFileSync('tar', ['-tf', file], { maxBuffer: 512 * 1024 * 1024 }).toString().split('\n');
        expect(names.filter((n) => /(^|\/)\.env(\.[^/]*)?$/.test(n) && !n.endsWith('.env.example'))).toEqual([]);
        expect(names.filter((n) => /(^|\/)(\.npmrc|\.git-credentials|credentials\.json|\.claude\/.+)$/.test(n))).toEqual([]);
        // grep exits 1 when nothing matches; any match is printed for the failure message.
        const hits = execFileSync('sh', ['-c', `tar -xOf "$1" | grep -a -o -E "$2" | head -5 || true`, 'scan', file, SECRET_SHAPES.join('|')], {
          maxBuffer: 64 * 1024 * 1024,
        }).toString();
        expect(hits).toBe('');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
