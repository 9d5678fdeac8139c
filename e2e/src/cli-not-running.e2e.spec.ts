import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { loadConfig } from '@nightshift/config';
import { freePort, startEmbeddedRedis } from '@nightshift/service-shell';
import { EventLog, RunStore } from '@nightshift/state';
import { Redis } from 'ioredis';

import { REPO_ROOT } from './harness';

const CLI = path.join(REPO_ROOT, 'apps/cli/dist/main.js');
const run = promisify(execFile);

/** Every file of a directory with its content, to prove a command left it as it was. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f), 'base64')]));
}

describe('the CLI with Nightshift stopped', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-cli-stopped-'));
  const configFile = path.join(dir, 'nightshift.yaml');
  writeFileSync(configFile, 'repos:\n  - name: api\n    remote: ./remotes/api.git\n');
  const { REDIS_URL: _ignored, ...inherited } = process.env;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (args: string[], env: NodeJS.ProcessEnv = inherited) =>
    run(process.execPath, [CLI, '--config', configFile, ...args], { env }).then(
      (r) => ({ code: 0, ...r }),
      (err: { code: number; stdout: string; stderr: string }) => err,
    );

  it('`runs` with nothing ever started: one line saying what is down and how to start it, exit 2', async () => {
    const result = await cli(['runs']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `nightshift: Nightshift is not running (no Redis known: no REDIS_URL, no redis.url in ${configFile}, and no Redis started by "nightshift up"): start it with "nightshift up"\n`,
    );
  });

  it.each([['runs'], ['events'], ['status'], ['pause'], ['resume']])(
    '`%s` with REDIS_URL where nothing listens: one line naming the URL, never its password',
    async (command) => {
      const port = await freePort();
      const result = await cli([command], { ...inherited, REDIS_URL: `redis://:s3cret-pass@127.0.0.1:${port}` });
      expect(result).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr).toBe(
        `nightshift: Nightshift is not running (no Redis at redis://***@127.0.0.1:${port}): start it with "nightshift up"\n`,
      );
    },
  );

  it('`runs` and `events` still show the history a stopped `up` left in its Redis AOF, without touching it', async () => {
    // What `up` does: an embedded redis-server with its AOF in <dataDir>/redis; then it stops.
    const config = loadConfig(configFile);
    const server = await startEmbeddedRedis({ dir: config.paths.redis });
    const redis = new Redis(server.url);
    await new RunStore(redis).save({
      runId: 'run-1',
      tickets: ['NS-7'],
      repo: 'api',
      host: 'local',
      model: 'sonnet',
      attempt: 1,
      startedAt: new Date().toISOString(),
      outcome: 'success',
      durationMs: 4200,
    });
    await new EventLog(redis).append({ type: 'pr.opened', ticket: 'NS-7', repo: 'api' });
    redis.disconnect();
    await server.stop();
    const aofBefore = snapshot(path.join(config.paths.redis, 'appendonlydir'));

    const runs = await cli(['runs']);
    expect(runs.code).toBe(0);
    expect(runs.stdout).toMatch(/NS-7\s+api\s+local\s+claude-code\s+sonnet\s+1\s+success\s+4\.2 s/);
    expect(runs.stderr).toBe(
      `nightshift: Nightshift is not running; showing the history saved in ${config.paths.redis} (start it with "nightshift up")\n`,
    );
    const events = await cli(['events']);
    expect(events.code).toBe(0);
    expect(events.stdout).toMatch(/pr\.opened\s+NS-7 repo=api/);
    // `status` is about the live system: no history stand-in for it.
    expect((await cli(['status'])).code).toBe(2);
    expect(snapshot(path.join(config.paths.redis, 'appendonlydir'))).toEqual(aofBefore);
  });
});
