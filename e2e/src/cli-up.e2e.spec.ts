import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

import { freePort } from '@nightshift/service-shell';

import { CLI, Pipeline, processesMentioning, waitFor } from './harness';

const run = promisify(execFile);

/** One inline command on a fresh connection, its first reply line: what any local process could try. */
function rawRedis(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(`${command}\r\n`));
    socket.once('data', (reply) => {
      socket.destroy();
      resolve(reply.toString().split('\r\n')[0]!);
    });
    socket.once('error', reject);
  });
}

// Six services, a Redis and a session under `up`, plus CLI calls that each start Node: slow on a loaded machine.
jest.setTimeout(240_000);

describe('nightshift CLI', () => {
  let pipeline: Pipeline;
  let exporterPort = 0;
  beforeAll(async () => {
    pipeline = await Pipeline.start({ repos: ['alpha'] });
    const config = JSON.parse(readFileSync(pipeline.configFile, 'utf8')) as Record<string, unknown>;
    const ports = {
      'ticket-scanner': await freePort(),
      router: await freePort(),
      'worktree-manager': await freePort(),
      'session-runner': await freePort(),
      'zombie-reaper': await freePort(),
      'memory-consolidator': await freePort(),
      'metrics-exporter': await freePort(),
    };
    exporterPort = ports['metrics-exporter'];
    writeFileSync(pipeline.configFile, JSON.stringify({ ...config, http: { ports } }, null, 2));
  });
  afterAll(() => pipeline?.stop());

  const cli = async (...args: string[]) =>
    (
      await run(process.execPath, [CLI, '--config', pipeline.configFile, ...args], {
        env: { ...process.env, REDIS_URL: '' },
      })
    ).stdout;

  it('runs the whole pipeline under `up` with its own Redis, and Ctrl-C leaves nothing running', async () => {
    const key = (await cli('board', 'add', '--title', '[alpha] add a widget', '--body', 'please')).trim();
    expect(key).toMatch(/^NS-\d+$/);
    const { REDIS_URL: _ignored, ...inherited } = process.env;
    const env = { ...inherited, FAKE_CLAUDE_ARGV_LOG: pipeline.argvLog, NIGHTSHIFT_GRACE_MS: '5000' };
    const up = spawn(process.execPath, [CLI, '--config', pipeline.configFile, 'up'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    up.stdout.on('data', (c: Buffer) => (output += c.toString()));
    up.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => up.once('exit', (code) => resolve(code)));
    try {
      await waitFor(
        'the ticket In Review',
        async () => {
          const tickets = JSON.parse(await cli('board', 'list', '--json')) as Array<{ key: string; state: string }>;
          return tickets.find((t) => t.key === key)?.state === 'In Review';
        },
        150_000,
        300,
      ); // five service processes start on a loaded 2-core machine
      const prs = JSON.parse(await cli('prs', '--json')) as Array<{ head: string; tickets: string[] }>;
      expect(prs).toEqual([expect.objectContaining({ head: `agent/${key}`, tickets: [key] })]);
      const runs = JSON.parse(await cli('runs', '--json')) as Array<{ outcome: string; model: string }>;
      expect(runs).toEqual([expect.objectContaining({ outcome: 'success', model: 'cheap-model' })]);
      expect(await cli('events')).toMatch(/pr\.opened\s+NS-\d+ repo=alpha/);
      expect(await cli('runs')).toMatch(/NS-\d+\s+alpha\s+linux-1\s+claude-code\s+cheap-model\s+1\s+success/);
      // `up` starts the metrics-exporter too, on its configured port.
      const metrics = await (await fetch(`http://127.0.0.1:${exporterPort}/metrics`)).text();
      expect(metrics).toMatch(/^nightshift_runs_total\{outcome="success",model="cheap-model",repo="alpha"[^}]*\} 1$/m);

      // Its Redis is behind a password: a client without it (or with a wrong one) is refused, and the
      // password is in none of what `up`, `status`, `events`, `runs` and the metrics print.
      const redisDir = path.join(pipeline.dir, 'data', 'redis');
      const password = readFileSync(path.join(redisDir, 'redis.password'), 'utf8').trim();
      const port = Number(new URL(readFileSync(path.join(redisDir, 'redis.url'), 'utf8').trim()).port);
      expect(await rawRedis(port, 'GET nightshift:events')).toMatch(/^-NOAUTH/);
      expect(await rawRedis(port, 'AUTH not-the-password')).toMatch(/^-WRONGPASS/);
      expect(await rawRedis(port, `AUTH ${password}`)).toBe('+OK');
      const printed = [output, await cli('status'), await cli('events'), await cli('runs'), metrics];
      for (const text of printed) expect(text).not.toContain(password);
    } finally {
      up.kill('SIGINT');
      expect(await exited).toBe(0);
    }
    expect(output).toContain('[up] stopped');
    expect(output).toMatch(/\[memory-consolidator\] .*memory ready/);
    expect(processesMentioning(pipeline.configFile)).toEqual([]);
    expect(processesMentioning(path.join(pipeline.dir, 'data', 'redis'))).toEqual([]);
  }, 300_000);

  it('prints a clear error for a bad config instead of a stack trace', async () => {
    const bad = path.join(pipeline.dir, 'bad.yaml');
    writeFileSync(bad, 'repos: nope\n');
    const failed = await run(process.execPath, [CLI, '--config', bad, 'board', 'list']).catch(
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toMatch(/bad\.yaml is invalid:\n\s+- repos: /);
  });

  it('refuses board commands when the configured tracker is not the local board', async () => {
    const linear = path.join(pipeline.dir, 'linear.yaml');
    writeFileSync(
      linear,
      'repos: [{ name: api, remote: ./api.git }]\ntracker: { kind: linear, teams: [{ key: ENG }] }\n',
    );
    const failed = await run(process.execPath, [CLI, '--config', linear, 'board', 'add', '--title', 'x']).catch(
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain('board commands work on the local board');
  });
});
