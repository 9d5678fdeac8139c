import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { GitCommandError, runGit } from './index';

let tmp: string;

beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nightshift-rungit-')));
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

// A machine with no git config at all: empty HOME, no system file.
const bareMachine = () => ({ HOME: tmp, XDG_CONFIG_HOME: tmp, GIT_CONFIG_NOSYSTEM: '1' });

describe('runGit', () => {
  it('commits as Nightshift on a machine without git identity', async () => {
    const env = bareMachine();
    await runGit(['init', '--quiet', 'repo'], { cwd: tmp, env });
    const repo = path.join(tmp, 'repo');
    await runGit(['commit', '--allow-empty', '-m', 'x'], { cwd: repo, env });
    const { stdout } = await runGit(['log', '-1', '--format=%an <%ae>|%cn <%ce>'], { cwd: repo, env });
    expect(stdout.trim()).toBe('Nightshift <nightshift@localhost>|Nightshift <nightshift@localhost>');
  });

  it('leaves a configured identity alone', async () => {
    const globalConfig = path.join(tmp, 'gitconfig');
    fs.writeFileSync(globalConfig, '[user]\n\tname = Bot Account\n\temail = bot@example.com\n');
    const env = { ...bareMachine(), GIT_CONFIG_GLOBAL: globalConfig };
    await runGit(['init', '--quiet', 'repo'], { cwd: tmp, env });
    const repo = path.join(tmp, 'repo');
    await runGit(['commit', '--allow-empty', '-m', 'x'], { cwd: repo, env });
    const { stdout } = await runGit(['log', '-1', '--format=%an <%ae>'], { cwd: repo, env });
    expect(stdout.trim()).toBe('Bot Account <bot@example.com>');
  });

  it('throws GitCommandError naming subcommand, cwd and stderr', async () => {
    const error = await runGit(['-c', 'core.quotepath=off', 'rev-parse', '--verify', 'no-such-ref'], {
      cwd: tmp,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitCommandError);
    const err = error as GitCommandError;
    expect(err.name).toBe('GitCommandError');
    expect(err.subcommand).toBe('rev-parse');
    expect(err.message).toContain(`git rev-parse in ${tmp}`);
    expect(err.message).toContain('not a git repository');
    expect(err.exitCode).toBe(128);
  });

  it('reports a missing working directory as a failure to start', async () => {
    const missing = path.join(tmp, 'gone');
    const error = (await runGit(['status'], { cwd: missing }).catch((e: unknown) => e)) as GitCommandError;
    expect(error).toBeInstanceOf(GitCommandError);
    expect(error.exitCode).toBeNull();
    expect(error.message).toContain(missing);
  });

  it('never prompts for credentials and strips them from the error', async () => {
    const url = 'http://user:hunter2@127.0.0.1:9/repo.git';
    const error = (await runGit(['ls-remote', url], { cwd: tmp }).catch((e: unknown) => e)) as GitCommandError;
    expect(error).toBeInstanceOf(GitCommandError);
    expect(error.message).toContain('127.0.0.1:9/repo.git');
    expect(`${error.message}${error.stderr}`).not.toContain('hunter2');
  });
});
