import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { waitFor } from '@nightshift/testing-fakes';

import { RedisSupervisor } from './redis-supervisor';

jest.setTimeout(30_000);

/** A stand-in redis-server: logs its pid, then runs `body` (it may print "Ready…" and linger or die). */
function fakeRedisServer(dir: string, body: string): { binary: string; pids: () => number[] } {
  const binary = path.join(dir, 'fake-redis-server');
  const pidFile = `${binary}.pids`;
  writeFileSync(pidFile, '');
  writeFileSync(binary, `#!/bin/sh\necho $$ >> "${pidFile}"\nn=$(wc -l < "${pidFile}")\n${body}\n`);
  chmodSync(binary, 0o755);
  const pids = () => readFileSync(pidFile, 'utf8').split('\n').filter(Boolean).map(Number);
  return { binary, pids };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('RedisSupervisor', () => {
  let dir: string;
  const lines: Array<{ at: number; line: string }> = [];
  const out = (line: string) => lines.push({ at: Date.now(), line });
  let started: number[] = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ns-redis-sup-'));
    lines.length = 0;
  });
  afterEach(() => {
    for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('backs off more after each quick exit, gives up with one line after the limit, and leaves no process', async () => {
    const fake = fakeRedisServer(dir, 'echo "Ready to accept connections"\nexec sleep 0.05');
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const sup = new RedisSupervisor(dir, out, {
      binary: fake.binary,
      baseDelayMs: 100,
      maxQuickExits: 5,
      stableMs: 5000,
    });
    await sup.start();
    let timer: NodeJS.Timeout | undefined;
    const err = await Promise.race([
      sup.failed,
      new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), 20_000))),
    ]);
    clearTimeout(timer);
    started = fake.pids();

    expect(err?.message).toMatch(/^redis-server keeps exiting \(5 times in a row, each within 5 s; last: 0\); gave up/);
    expect(err?.message).not.toContain('\n');
    expect(started).toHaveLength(5); // the first start and four restarts, then no more
    const exits = lines.filter((l) => l.line.includes('redis-server exited')).map((l) => l.at);
    const gaps = exits.slice(1).map((at, i) => at - exits[i]!);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThan(gaps[i - 1]!);
    // announce() could not reach this fake: one line of ours, no ioredis "Unhandled error event" trace.
    expect(lines.filter((l) => l.line.includes('could not record redis.restarted'))).toHaveLength(4);
    expect(errors).not.toHaveBeenCalled();
    await sup.stop();
    expect(started.filter(alive)).toEqual([]);
    errors.mockRestore();
  });

  it('stopped while a restart is starting, leaves no redis-server behind', async () => {
    // The first run dies at once; the restart takes a while to be ready and would then live on.
    const fake = fakeRedisServer(
      dir,
      'if [ "$n" -eq 1 ]; then echo "Ready to accept connections"; exec sleep 0.1; fi\nsleep 0.7\necho "Ready to accept connections"\nexec sleep 60',
    );
    const sup = new RedisSupervisor(dir, out, { binary: fake.binary, baseDelayMs: 50 });
    await sup.start();
    await waitFor('the restart spawned', async () => fake.pids().length >= 2, 5000, 20);
    await sup.stop();
    started = fake.pids();
    await new Promise((r) => setTimeout(r, 1200));
    expect(started.filter(alive)).toEqual([]);
    expect(fake.pids()).toHaveLength(2);
  });

  it('keeps its password in a 0600 file and puts it in the URL only, never in what it prints', async () => {
    const fake = fakeRedisServer(dir, 'echo "Ready to accept connections"\nexec sleep 60');
    const sup = new RedisSupervisor(dir, out, { binary: fake.binary });
    const url = await sup.start();
    started = fake.pids();
    const password = readFileSync(path.join(dir, 'redis.password'), 'utf8').trim();
    expect(password.length).toBeGreaterThanOrEqual(32);
    expect(decodeURIComponent(new URL(url).password)).toBe(password);
    for (const file of ['redis.password', 'redis-auth.conf'])
      expect(statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);
    expect(sup.safeUrl).not.toContain(password);
    // The command line (what `ps` shows every local user) names the config file, not the password.
    const cmdline = readFileSync(`/proc/${started[0]}/cmdline`, 'utf8');
    expect(cmdline).not.toContain(password);
    await sup.stop();
    expect(started.filter(alive)).toEqual([]);
  });
});
