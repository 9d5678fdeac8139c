import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { makeBareRemote } from '@nightshift/git';

import { FAKE_AGENT, REPO_ROOT } from './harness';

const CLI = path.join(REPO_ROOT, 'apps/cli/bin/nightshift.js');

/** A new user's first two commands on a fresh machine: `init`, then `doctor`. */
describe('nightshift init and doctor', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'ns-init-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
        cwd: dir,
        env: { ...process.env, REDIS_URL: '', ...env },
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('init writes a commented config once; doctor names the agent account that is not logged in and fails, then passes once it is', async () => {
    await makeBareRemote(path.join(dir, 'api.git'), { 'README.md': '# api\n' });
    const init = await run([
      '--config',
      'nightshift.yaml',
      'init',
      '--repo',
      `api=${path.join(dir, 'api.git')}`,
      '--agent-command',
      FAKE_AGENT,
      '--accounts',
      'night',
    ]);
    expect(init).toMatchObject({ code: 0 });
    const written = readFileSync(path.join(dir, 'nightshift.yaml'), 'utf8');
    expect(written).toMatch(/^# nightshift.yaml, written by `nightshift init`/);
    expect(written).toContain('- name: "night"');

    writeFileSync(path.join(dir, 'nightshift.yaml'), `${written}# a human's edit\n`);
    const again = await run(['--config', 'nightshift.yaml', 'init', '--repo', 'other=./other.git']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/nightshift\.yaml exists; init never overwrites/);
    expect(readFileSync(path.join(dir, 'nightshift.yaml'), 'utf8')).toContain("# a human's edit");

    const loggedOut = await run(['--config', 'nightshift.yaml', 'doctor'], { FAKE_CLAUDE_LOGGED_OUT: '1' });
    expect(loggedOut.code).toBe(1);
    expect(loggedOut.stdout).toMatch(
      /^FAIL\s+agent login\s+account night is not logged in.*— fix: run `.*fake-claude\.js` and \/login/m,
    );
    expect(loggedOut.stdout).toMatch(/^ok\s+agent\s+.*2\.1\.41 \(Claude Code\)/m);
    expect(loggedOut.stdout).toMatch(/^ok\s+repo api\s+/m);
    expect(loggedOut.stdout).toMatch(/1 of \d+ checks failed/);
    expect(loggedOut.stderr).toBe('');

    const loggedIn = await run(['--config', 'nightshift.yaml', 'doctor'], {
      GITHUB_TOKEN: 'doctor-director-secret',
      SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/doctor-hook',
    });
    expect(loggedIn.stdout).toMatch(/^ok\s+agent login\s+account night/m);
    // The names the agent will see, never a value, and none of the director's secrets.
    const agentEnvLine = /^ok\s+agent env\s+the agent sees \d+ variables: (.*)$/m.exec(loggedIn.stdout)?.[1] ?? '';
    expect(agentEnvLine.split(' ')).toEqual(expect.arrayContaining(['PATH', 'HOME', 'GIT_AUTHOR_NAME']));
    expect(agentEnvLine).not.toMatch(/GITHUB_TOKEN|SLACK_WEBHOOK_URL|REDIS_URL|doctor-director-secret/);
    expect(loggedIn.stdout).toMatch(/all \d+ checks passed/);
    expect(loggedIn.code).toBe(0);
  });

  it('doctor names a missing agent CLI, a repo remote that does not answer and a forge token that is not set', async () => {
    writeFileSync(
      path.join(dir, 'nightshift.yaml'),
      `repos: [{ name: api, remote: ${JSON.stringify(path.join(dir, 'missing.git'))} }]\nforge: { kind: github, repos: { api: acme/api } }\nagent: { command: no-such-agent-cli }\n`,
    );
    const out = await run(['--config', 'nightshift.yaml', 'doctor'], { GITHUB_TOKEN: '' });
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/^FAIL\s+agent\s+agent CLI "no-such-agent-cli" not found.*— fix: install Claude Code/m);
    expect(out.stdout).toMatch(/^FAIL\s+repo api\s+no repository at .*missing\.git — fix: fix repos\[\]\.remote/m);
    expect(out.stdout).not.toMatch(/ssh key/);
    expect(out.stdout).toMatch(/^FAIL\s+forge\s+github: GITHUB_TOKEN is not set — fix: export GITHUB_TOKEN/m);
  });

  it('prints its version, and on a missing config suggests init', async () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'apps/cli/package.json'), 'utf8')) as { version: string };
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `nightshift ${pkg.version}\n`, stderr: '' });
    const missing = await run(['board', 'list']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      `nightshift: ${path.join(dir, 'nightshift.yaml')} not found: write one with \`nightshift init\`, or point --config (or NIGHTSHIFT_CONFIG) at your config\n`,
    );
  });
});
