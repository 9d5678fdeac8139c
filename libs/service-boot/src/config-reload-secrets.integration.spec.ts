import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { loadConfig } from '@nightshift/config';
import { redactSecrets } from '@nightshift/domain';
import { useTestRedis, waitFor } from '@nightshift/testing-fakes';
import pino from 'pino';

import { watchConfig } from './boot-service';

jest.setTimeout(20_000);

const testRedis = useTestRedis();

describe('a secret env name added by a hot-reloaded config edit', () => {
  let dir: string;
  const closers: Array<{ close(): Promise<void> }> = [];
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'ns-reload-secret-'))));
  afterEach(async () => {
    for (const c of closers.splice(0)) await c.close();
    rmSync(dir, { recursive: true, force: true });
    delete process.env['LINEAR_SPARE'];
  });

  it('is masked as soon as the edit is read, not after a restart', async () => {
    // A name that does not look like a secret: only the config says it holds one.
    process.env['LINEAR_SPARE'] = 'spare-linear-value-42';
    process.env['NIGHTSHIFT_CONFIG_POLL_MS'] = '50';
    const file = path.join(dir, 'nightshift.yaml');
    const yaml = (tokenEnv: string) =>
      `repos: [{ name: api, remote: /r }]\ntracker: { kind: linear, tokenEnv: ${tokenEnv}, teams: [{ key: ENG }] }\n`;
    writeFileSync(file, yaml('LINEAR_API_KEY'));
    const config = loadConfig(file);
    watchConfig(
      'router',
      { redis: testRedis.redis, logger: pino({ level: 'silent' }), onClose: (c) => void closers.push(c) },
      config,
      { start: () => undefined },
    );
    expect(redactSecrets('token spare-linear-value-42')).toBe('token spare-linear-value-42');

    // Written again on each poll: the watcher's first stat may come after a single early write and miss it.
    let edit = 0;
    await waitFor(
      'the new token env masked',
      async () => {
        if (redactSecrets('token spare-linear-value-42') === 'token [redacted]') return true;
        writeFileSync(file, `${yaml('LINEAR_SPARE')}# edit ${++edit}\n`);
        return undefined;
      },
      10_000,
      100,
    );
  });
});
