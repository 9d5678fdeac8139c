import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { parse as parsePlist } from 'plist';

import { REPO_ROOT } from './harness';

const run = promisify(execFile);
const RENDER = path.join(REPO_ROOT, 'deploy/render-deploy-files.js');

/** The program's path, or undefined when this machine does not have it. */
async function which(program: string): Promise<string | undefined> {
  const found = await run('sh', ['-c', 'command -v "$1"', 'which', program]).catch(() => undefined);
  return found?.stdout.trim() || undefined;
}

async function render(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [RENDER, ...args]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
}

type Plist = Record<string, unknown> & {
  Label: string;
  ProgramArguments: string[];
  EnvironmentVariables?: Record<string, string>;
};

/** The deployment guide's unit files and plists, rendered as the guide says, and checked by the tools that read them. */
describe('the deployment files of docs/deployment.md', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-deploy-files-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const envFile = path.join(dir, 'nightshift.env');
  writeFileSync(
    envFile,
    '# the fleet\'s secrets\nREDIS_URL=redis://:s3cret&pw@127.0.0.1:6379\nGITHUB_TOKEN="ghp_deployfiles000000000000000000000000"\n',
    { mode: 0o600 },
  );

  it('the systemd units render with this checkout and pass `systemd-analyze verify`', async () => {
    const out = path.join(dir, 'systemd');
    const rendered = await render(['systemd', '--out', out, '--user', os.userInfo().username, '--env-file', envFile]);
    expect(rendered).toMatchObject({ code: 0, stderr: '' });
    const units = readdirSync(out).sort();
    expect(units).toEqual(['nightshift.service', 'nightshift@.service']);
    for (const unit of units) {
      const text = readFileSync(path.join(out, unit), 'utf8');
      expect(text).not.toContain('{{');
      expect(text).toContain(`ExecStart=${process.execPath} ${REPO_ROOT}/apps/`);
      expect(text).toContain(`EnvironmentFile=${envFile}`);
      // A secret stays in the env file, never in a unit (units are world-readable).
      expect(text).not.toContain('s3cret');
    }
    const analyze = await which('systemd-analyze');
    if (!analyze) {
      process.stdout.write('skipped `systemd-analyze verify`: systemd-analyze is not installed on this machine\n');
      return;
    }
    // A template is verified through an instance of it, as systemd would start it.
    writeFileSync(
      path.join(out, 'nightshift@session-runner.service'),
      readFileSync(path.join(out, 'nightshift@.service')),
    );
    for (const unit of ['nightshift.service', 'nightshift@session-runner.service']) {
      const verified = await run(analyze, ['verify', path.join(out, unit)]).then(
        ({ stderr }) => ({ code: 0, stderr }),
        (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
      );
      // verify exits 0 on unknown keys too, only warning: any warning about this unit fails.
      expect({ unit, ...verified, stderr: verified.stderr.split('\n').filter((l) => l.includes(unit)) }).toEqual({
        unit,
        code: 0,
        stderr: [],
      });
    }
  });

  it('the launchd plists parse as templates and, rendered, hold the paths, user, host and secrets given (0600)', async () => {
    const templates = readdirSync(path.join(REPO_ROOT, 'deploy/launchd')).filter((f) => f.endsWith('.plist'));
    expect(templates.sort()).toEqual([
      'dev.nightshift.redis-tunnel.plist',
      'dev.nightshift.session-runner.plist',
      'dev.nightshift.worktree-manager.plist',
      'dev.nightshift.zombie-reaper.plist',
    ]);
    for (const t of templates)
      expect((parsePlist(readFileSync(path.join(REPO_ROOT, 'deploy/launchd', t), 'utf8')) as Plist).Label).toBe(
        t.replace(/\.plist$/, ''),
      );

    const out = path.join(dir, 'launchd');
    const node = '/usr/local/bin/node';
    const rendered = await render([
      'launchd',
      '--out',
      out,
      '--node',
      node,
      '--prefix',
      '/Users/agent/nightshift-app',
      '--user',
      'agent',
      '--host',
      'mac-mini-2',
      '--primary',
      'agent@nightshift-linux.lan',
      '--config',
      '/etc/nightshift/nightshift.yaml',
      '--env-file',
      envFile,
    ]);
    expect(rendered).toMatchObject({ code: 0, stderr: '' });
    const plutil = await which('plutil');
    if (!plutil) process.stdout.write('skipped `plutil -lint`: not a Mac; the plist parser checks them instead\n');
    for (const t of templates) {
      const file = path.join(out, t);
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain('{{');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      if (plutil) await run(plutil, ['-lint', file]);
      const plist = parsePlist(text) as Plist;
      expect(plist).toMatchObject({
        Label: t.replace(/\.plist$/, ''),
        UserName: 'agent',
        RunAtLoad: true,
        KeepAlive: true,
      });
      if (t.includes('redis-tunnel')) {
        expect(plist.ProgramArguments).toEqual(
          expect.arrayContaining(['/usr/bin/ssh', 'agent@nightshift-linux.lan', '127.0.0.1:19404:127.0.0.1:9404']),
        );
        continue;
      }
      const service = t.replace(/^dev\.nightshift\.|\.plist$/g, '');
      expect(plist.ProgramArguments).toEqual([
        node,
        `/Users/agent/nightshift-app/apps/${service}/dist/main.js`,
        '--config',
        '/etc/nightshift/nightshift.yaml',
      ]);
      expect(plist.EnvironmentVariables).toEqual({
        NIGHTSHIFT_HOST: 'mac-mini-2',
        REDIS_URL: 'redis://:s3cret&pw@127.0.0.1:6379',
        GITHUB_TOKEN: 'ghp_deployfiles000000000000000000000000',
        CLAUDE_CONFIG_DIR: '/Users/agent/.claude',
        PATH: '/usr/local/bin:/opt/homebrew/bin:/usr/bin:/bin:/usr/sbin:/sbin',
      });
      expect(plist).toMatchObject({
        WorkingDirectory: '/Users/agent/nightshift',
        StandardOutPath: `/Library/Logs/Nightshift/${service}.log`,
      });
    }
  });

  it('refuses a Mac render without the primary host or without REDIS_URL, naming what is missing', async () => {
    const noPrimary = await render(['launchd', '--out', path.join(dir, 'x'), '--env-file', envFile]);
    expect(noPrimary.code).toBe(2);
    expect(noPrimary.stderr).toMatch(/^render-deploy-files: --primary USER@HOST is required for launchd/);
    const bare = path.join(dir, 'bare.env');
    writeFileSync(bare, 'GITHUB_TOKEN=x\n');
    const noRedis = await render(['launchd', '--out', path.join(dir, 'y'), '--env-file', bare, '--primary', 'a@b']);
    expect(noRedis.code).toBe(2);
    expect(noRedis.stderr).toContain(`${bare} has no REDIS_URL`);
  });
});
