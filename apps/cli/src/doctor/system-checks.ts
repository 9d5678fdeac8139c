import { accessSync, constants, existsSync, statfsSync } from 'node:fs';
import path from 'node:path';

import type { NightshiftConfig } from '@nightshift/config';

import { type CheckResult, fail, pass, skip } from './doctor-check';
import { runCommand } from './run-command';

const GB = 1024 ** 3;

export async function checkNode(): Promise<CheckResult> {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > 20 || (major === 20 && minor >= 19)
    ? pass('node', `Node ${process.versions.node}`)
    : fail('node', `Node ${process.versions.node} is older than 20.19`, 'install Node 20.19+ or 22 LTS');
}

export async function checkGit(): Promise<CheckResult> {
  const out = await runCommand('git', ['--version']);
  if (!out.ok)
    return fail(
      'git',
      out.code === 'ENOENT' ? 'git is not installed' : `git --version failed: ${out.stderr.trim()}`,
      'apt-get install git (or brew install git)',
    );
  const [major = 0, minor = 0] = (/(\d+)\.(\d+)/.exec(out.stdout) ?? []).slice(1).map(Number);
  return major > 2 || (major === 2 && minor >= 25)
    ? pass('git', out.stdout.trim())
    : fail('git', `${out.stdout.trim()} is older than 2.25 (worktree repair and sparse checkouts)`, 'upgrade git');
}

/** redis-server is needed only when `nightshift up` starts the Redis itself (no redis.url, no REDIS_URL). */
export async function checkRedisServer(config: NightshiftConfig, env: NodeJS.ProcessEnv): Promise<CheckResult> {
  if (config.redis.url || env['REDIS_URL']) return skip('redis-server', 'not needed: an external Redis is configured');
  const out = await runCommand('redis-server', ['--version']);
  if (!out.ok)
    return fail(
      'redis-server',
      'redis-server is not installed; `nightshift up` needs it for the embedded Redis',
      'apt-get install redis-server (or brew install redis), or set redis.url',
    );
  return pass('redis-server', out.stdout.trim().split(' ').slice(0, 3).join(' '));
}

/** Free space where worktrees go; fails under 2 GB (or under worktrees.maxDiskGb when that is smaller). */
export async function checkDisk(config: NightshiftConfig): Promise<CheckResult> {
  let dir = config.paths.worktrees;
  while (!existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const fs = statfsSync(dir);
  const free = fs.bavail * fs.bsize;
  const needed = Math.min(2 * GB, (config.worktrees.maxDiskGb ?? Infinity) * GB);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    return fail(
      'disk',
      `${dir} is not writable by this user`,
      `fix the permissions of ${dir} or set dataDir / worktrees.root elsewhere`,
    );
  }
  const detail = `${(free / GB).toFixed(1)} GB free at ${dir}`;
  return free >= needed
    ? pass('disk', detail)
    : fail(
        'disk',
        `${detail}, under ${(needed / GB).toFixed(1)} GB`,
        'free space there or move dataDir / worktrees.root',
      );
}
