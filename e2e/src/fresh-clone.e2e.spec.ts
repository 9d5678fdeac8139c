import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { processesMentioning, REPO_ROOT, waitFor } from './harness';

const run = promisify(execFile);

/**
 * The README's CLI lines (`npx nightshift ...` in its code blocks), as a new user copies them.
 * `events --follow` never ends by itself, so it runs without `--follow`.
 */
function readmeCommands(): string[] {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/^npx nightshift .*$/gm)].map((m) => m[0].replace(/ --follow\b/, ''));
}

// On an idle 2-core machine this takes about two minutes (npm ci, a full build, the demo); the
// deadlines are far longer because several builds at once stretch it several-fold.
// Everything a new user would do, in a clone of the committed HEAD, not in this working tree: a bin
// that only this tree links, or a file that is not committed, fails here.
describe('the README on a fresh clone', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-fresh-clone-'));
  const clone = path.join(dir, 'nightshift');
  const { REDIS_URL: _r, NIGHTSHIFT_CONFIG: _c, ...inherited } = process.env;
  // Free HTTP ports, so a demo or test already running on this machine cannot collide with this one.
  const env = { ...inherited, NIGHTSHIFT_HTTP_PORT: '0', NIGHTSHIFT_GRACE_MS: '5000' };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sets up with `npm ci` (no engine warning), runs the demo, and every README CLI line exits 0', async () => {
    const commands = readmeCommands();
    expect(commands).toEqual(
      expect.arrayContaining([
        expect.stringContaining(' board list'),
        expect.stringContaining(' board add '),
        expect.stringMatching(/ runs\b/),
        expect.stringMatching(/ prs$/),
        expect.stringMatching(/ events$/),
        expect.stringMatching(/ status$/),
      ]),
    );
    await run('git', ['clone', '--quiet', REPO_ROOT, clone]);
    // --prefer-offline: the packages come from the npm cache the outer `npm ci` filled.
    const install = await run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: clone,
      env,
      maxBuffer: 64 << 20,
    });
    expect(`${install.stdout}${install.stderr}`).not.toContain('EBADENGINE');
    expect(existsSync(path.join(clone, 'node_modules/.bin/nightshift'))).toBe(true);

    // `npm run demo` in its own process group, so Ctrl-C (SIGINT to the group) reaches it as in a terminal.
    const demo = spawn('npm', ['run', 'demo'], { cwd: clone, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    demo.stdout.on('data', (c: Buffer) => (output += c.toString()));
    demo.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      demo.once('exit', (code, signal) => resolve({ code, signal })),
    );
    // npm itself dies of the SIGINT as in a terminal; the demo's own output ends when its last process has.
    const outputEnded = new Promise((resolve) => demo.stdout.once('close', resolve));
    try {
      await waitFor(
        'the demo to start its services',
        async () => {
          if (demo.exitCode !== null)
            throw new Error(`npm run demo exited with ${demo.exitCode}:\n${output.slice(-3000)}`);
          return /\[up\] \d+ services starting/.test(output);
        },
        600_000,
        250,
      );
      const sh = (line: string) => run('bash', ['-c', line], { cwd: clone, env });
      // The demo's tickets flow on their own: wait for a first finished run so `runs` and `prs` have rows.
      await waitFor(
        'a first finished run of the demo',
        async () =>
          /\bsuccess\b/.test((await sh('npx nightshift --config nightshift-demo/nightshift.yaml runs')).stdout),
        120_000,
        500,
      );
      for (const line of commands) {
        const result = await sh(line).catch((err: { code: number; stdout: string; stderr: string }) => err);
        expect({ line, code: 'code' in result ? result.code : 0, stderr: result.stderr }).toEqual({
          line,
          code: 0,
          stderr: '',
        });
        if (/ board add /.test(line)) expect(result.stdout).toMatch(/^NS-\d+\n$/);
        if (/ prs$/.test(line)) expect(result.stdout).toMatch(/agent\/NS-\d+/);
        if (/ events$/.test(line)) expect(result.stdout).toMatch(/pr\.opened/);
      }
      // The demo's night, seen from the CLI a newcomer has: an escalation to opus that succeeds, a ticket
      // in Needs Human, a lesson recalled on a retry, a rate limit whose pause ends and whose ticket then succeeds.
      const cli = (args: string) => sh(`npx nightshift --config nightshift-demo/nightshift.yaml ${args}`);
      await waitFor(
        "the demo's night: escalation, Needs Human, a recalled lesson, a rate limit resumed",
        async () => {
          const [board, events] = await Promise.all([cli('board list'), cli('events')]);
          const changelog = board.stdout.split('\n').find((l) => l.includes('Write the API changelog')) ?? '';
          return (
            /outcome=success model=opus/.test(events.stdout) &&
            /outcome=rate_limited/.test(events.stdout) &&
            /pause\.ended/.test(events.stdout) &&
            /memory\.recalled/.test(events.stdout) &&
            /ticket\.moved\s.*to=Needs Human/.test(events.stdout) &&
            changelog.includes('In Review')
          );
        },
        180_000,
        2000,
      );
    } finally {
      if (demo.pid) process.kill(-demo.pid, 'SIGINT');
    }
    expect([
      { code: 0, signal: null },
      { code: null, signal: 'SIGINT' },
    ]).toContainEqual(await exited);
    await outputEnded;
    expect(output).toContain('[up] stopped');
    await waitFor('every demo process to be gone', async () => processesMentioning(clone).length === 0, 15_000);
  }, 1_200_000);
});
