import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { hookEnv, HookFailedError, runHook, UnsafePathError } from '../index';

jest.setTimeout(30_000);

let tmp: string;
let root: string;
let worktree: string;

beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nightshift-hook-')));
  root = path.join(tmp, 'root');
  worktree = path.join(root, 'worktrees', 'web', 'ENG-1');
  fs.mkdirSync(worktree, { recursive: true });
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const opts = (extra: Partial<Parameters<typeof runHook>[2]> = {}) => ({
  cwd: worktree,
  root,
  worktreeKey: 'ENG-1',
  timeoutMs: 10_000,
  env: { PATH: process.env['PATH'] ?? '' },
  ...extra,
});
const node = (script: string, ...args: string[]) => [process.execPath, '-e', script, ...args];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A killed process nobody has reaped yet (no init reaping in some containers) is dead for our purpose.
  let stat = '';
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true; // no /proc (macOS): signal 0 succeeding is all we can know
  }
  return !/^\d+ \(.*\) Z/.test(stat);
}

describe('runHook', () => {
  it('runs argv directly in the worktree with the Nightshift env and returns the output tail', async () => {
    const env = hookEnv({ repo: 'web', branch: 'agent/ENG-1', runId: 'run-1', worktreeKey: 'ENG-1' });
    const result = await runHook(
      'afterCreate',
      node(
        'require("fs").writeFileSync("seen.json", JSON.stringify({ cwd: process.cwd(), env: process.env, argv: process.argv.slice(1) })); console.log("done")',
        '$(touch pwned)',
        '; rm -rf /',
      ),
      opts({ env }),
    );
    expect(result).toMatchObject({
      kind: 'afterCreate',
      command: process.execPath,
      outputTail: 'done\n',
      truncated: false,
    });
    const seen = JSON.parse(fs.readFileSync(path.join(worktree, 'seen.json'), 'utf8')) as {
      cwd: string;
      env: Record<string, string>;
      argv: string[];
    };
    expect(seen.cwd).toBe(worktree);
    expect(seen.argv).toEqual(['$(touch pwned)', '; rm -rf /']);
    expect(seen.env).toMatchObject({
      NIGHTSHIFT_HOOK: 'afterCreate',
      NIGHTSHIFT_WORKTREE: worktree,
      NIGHTSHIFT_REPO: 'web',
      NIGHTSHIFT_BRANCH: 'agent/ENG-1',
      NIGHTSHIFT_RUN_ID: 'run-1',
    });
    expect(fs.existsSync(path.join(worktree, 'pwned'))).toBe(false);
  });

  it("inherits nothing of the caller's environment: only what it is given", async () => {
    process.env['RUN_HOOK_DIRECTOR_SECRET'] = 'director-only';
    try {
      await runHook(
        'afterCreate',
        node('require("fs").writeFileSync("env.json", JSON.stringify(process.env))'),
        opts({ env: { ONLY: 'this' } }),
      );
    } finally {
      delete process.env['RUN_HOOK_DIRECTOR_SECRET'];
    }
    const seen = JSON.parse(fs.readFileSync(path.join(worktree, 'env.json'), 'utf8')) as Record<string, string>;
    expect(seen['ONLY']).toBe('this');
    expect(seen).not.toHaveProperty('RUN_HOOK_DIRECTOR_SECRET');
    expect(seen).not.toHaveProperty('PATH');
  });

  it('throws HookFailedError with kind, exit code and the output tail on a non-zero exit', async () => {
    const err = await runHook(
      'beforeRun',
      node('console.log("installing"); console.error("npm ERR! missing lockfile"); process.exit(3)'),
      opts(),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HookFailedError);
    const failed = err as HookFailedError;
    expect(failed).toMatchObject({ kind: 'beforeRun', exitCode: 3, timedOut: false });
    expect(failed.outputTail).toContain('npm ERR! missing lockfile');
    expect(failed.message).toContain('beforeRun hook');
    expect(failed.message).toContain('exit code 3');
  });

  it('keeps only the last 4 KB of a chatty hook', async () => {
    const script =
      'for (let i = 0; i < 5000; i++) process.stdout.write(`line ${i}\\n`); process.stdout.write("THE END\\n"); process.exitCode = 1';
    const failed = (await runHook('afterRun', node(script), opts()).catch((e: unknown) => e)) as HookFailedError;
    expect(failed).toBeInstanceOf(HookFailedError);
    expect(Buffer.byteLength(failed.outputTail)).toBeLessThanOrEqual(4096);
    expect(failed.outputTail.endsWith('THE END\n')).toBe(true);
    expect(failed.outputTail).not.toContain('line 1\n');
    expect(failed.message.length).toBeLessThan(1500);
  });

  it('kills the whole process group on timeout, grandchildren included', async () => {
    const pidFile = path.join(tmp, 'grandchild.pid');
    // The hook starts a long-lived grandchild, records its pid, then hangs.
    const script = `const c = require("child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
      require("fs").writeFileSync(${JSON.stringify(pidFile)}, String(c.pid)); console.log("started"); setInterval(() => {}, 1000);`;
    const started = Date.now();
    const failed = (await runHook('beforeRemove', node(script), opts({ timeoutMs: 1500, killGraceMs: 500 })).catch(
      (e: unknown) => e,
    )) as HookFailedError;
    expect(failed).toBeInstanceOf(HookFailedError);
    expect(failed.timedOut).toBe(true);
    expect(failed.message).toContain('timed out after 1500 ms');
    expect(Date.now() - started).toBeLessThan(8000);
    const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(grandchild).toBeGreaterThan(0);
    // SIGKILL went to the whole group before runHook returned; the kernel finishes it off a moment later.
    const deadline = Date.now() + 3000;
    while (alive(grandchild) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(alive(grandchild)).toBe(false);
  });

  it('runs a repo check the same way and names it as a check when it fails', async () => {
    const failed = (await runHook('check', node('console.log("2 tests failed"); process.exit(1)'), opts()).catch(
      (e: unknown) => e,
    )) as HookFailedError;
    expect(failed).toBeInstanceOf(HookFailedError);
    expect(failed).toMatchObject({ kind: 'check', exitCode: 1, outputTail: '2 tests failed\n' });
    expect(failed.message).toMatch(/^check ".*" in .* failed with exit code 1; output: 2 tests failed$/);
    await expect(runHook('check', node('process.exit(0)'), opts())).resolves.toMatchObject({ kind: 'check' });
  });

  it('reports a command that cannot start', async () => {
    const failed = (await runHook('afterCreate', ['./no-such-script.sh'], opts()).catch(
      (e: unknown) => e,
    )) as HookFailedError;
    expect(failed).toBeInstanceOf(HookFailedError);
    expect(failed.exitCode).toBeNull();
    expect(failed.message).toMatch(/could not start \(ENOENT\)/);
  });

  it('refuses an empty argv', async () => {
    await expect(runHook('afterCreate', [], opts())).rejects.toBeInstanceOf(HookFailedError);
  });

  describe('safety invariants, checked before anything runs', () => {
    const marker = () => path.join(tmp, 'ran');
    const touch = () => node(`require("fs").writeFileSync(${JSON.stringify(path.join(tmp, 'ran'))}, "x")`);

    it.each(['../../etc', 'a/b', '$(x)', 'x'.repeat(300), '..', ''])('refuses worktree key %j', async (key) => {
      await expect(runHook('afterCreate', touch(), opts({ worktreeKey: key }))).rejects.toBeInstanceOf(UnsafePathError);
      expect(fs.existsSync(marker())).toBe(false);
    });

    it('refuses a cwd outside the root', async () => {
      const outside = fs.mkdtempSync(path.join(tmp, 'ENG-1-'));
      const elsewhere = path.join(outside, 'ENG-1');
      fs.mkdirSync(elsewhere);
      await expect(runHook('beforeRun', touch(), opts({ cwd: elsewhere }))).rejects.toBeInstanceOf(UnsafePathError);
      expect(fs.existsSync(marker())).toBe(false);
    });

    it('refuses a worktree that is a symlink leading out of the root', async () => {
      const outside = path.join(tmp, 'outside', 'ENG-2');
      fs.mkdirSync(outside, { recursive: true });
      const link = path.join(root, 'worktrees', 'web', 'ENG-2');
      fs.symlinkSync(outside, link);
      await expect(runHook('beforeRun', touch(), opts({ cwd: link, worktreeKey: 'ENG-2' }))).rejects.toThrow(
        /not under the worktree root/,
      );
      expect(fs.existsSync(marker())).toBe(false);
    });

    it('refuses the root itself and a key that does not name the directory', async () => {
      await expect(runHook('beforeRun', touch(), opts({ cwd: root, worktreeKey: 'root' }))).rejects.toBeInstanceOf(
        UnsafePathError,
      );
      await expect(runHook('beforeRun', touch(), opts({ worktreeKey: 'ENG-9' }))).rejects.toThrow(
        /does not name the worktree/,
      );
      expect(fs.existsSync(marker())).toBe(false);
    });
  });
});
