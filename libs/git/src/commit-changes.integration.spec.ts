import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
  commitAll,
  commitsAhead,
  diffStat,
  GitCommandError,
  makeBareRemote,
  pushBranch,
  runGit,
  stageChanges,
  WorktreeStore,
} from './index';

jest.setTimeout(60_000);

let tmp: string;
let remote: string;
let worktree: string;

beforeEach(async () => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nightshift-commit-')));
  remote = await makeBareRemote(path.join(tmp, 'remote.git'));
  const store = new WorktreeStore({ root: path.join(tmp, 'root') });
  worktree = (
    await store.createWorktree({
      repo: 'web',
      remoteUrl: remote,
      baseBranch: 'main',
      branch: 'agent/ENG-1',
      worktreeKey: 'ENG-1',
    })
  ).path;
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const git = async (args: string[], cwd: string) => (await runGit(args, { cwd })).stdout.trim();

describe('stageChanges / commitAll', () => {
  it('sees no changes on a fresh worktree and an untracked file as a change', async () => {
    expect(await stageChanges(worktree)).toBe(false);
    fs.writeFileSync(path.join(worktree, 'new.txt'), 'hi');
    expect(await stageChanges(worktree)).toBe(true);
  });

  it('counts a deletion, a change the agent staged itself, and not a file only touched', async () => {
    fs.rmSync(path.join(worktree, 'README.md'));
    expect(await stageChanges(worktree)).toBe(true);
    await runGit(['reset', '--hard', '--quiet'], { cwd: worktree });
    fs.writeFileSync(path.join(worktree, 'staged.txt'), 'by the agent');
    await runGit(['add', 'staged.txt'], { cwd: worktree });
    expect(await stageChanges(worktree)).toBe(true);
    await runGit(['reset', '--hard', '--quiet'], { cwd: worktree });
    const future = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(worktree, 'README.md'), future, future);
    expect(await stageChanges(worktree)).toBe(false);
  });

  it("commits what was staged, not files written after it (the checks' build output)", async () => {
    fs.writeFileSync(path.join(worktree, 'work.txt'), "the agent's");
    expect(await stageChanges(worktree)).toBe(true);
    fs.writeFileSync(path.join(worktree, 'coverage.out'), 'from a check');
    expect((await commitAll(worktree, 'work', { staged: true })).committed).toBe(true);
    expect(await git(['show', '--name-only', '--format=', 'HEAD'], worktree)).toBe('work.txt');
  });

  it('commits nothing when there is nothing to commit', async () => {
    expect(await commitAll(worktree, 'empty')).toEqual({ committed: false, sha: null });
    expect(await commitsAhead(worktree, 'origin/main')).toBe(0);
  });

  it('commits a hostile message verbatim and executes none of it', async () => {
    const canary = path.join(tmp, 'canary');
    const message = [
      'ENG-1: fix "quotes" and \'single\' $(touch ' + canary + ') `touch ' + canary + '`',
      '',
      '$(rm -rf ~) ; rm -rf / && echo pwned | sh',
      '# a line starting with a hash stays',
      '--amend',
    ].join('\n');
    fs.writeFileSync(path.join(worktree, 'a.txt'), 'a');
    const result = await commitAll(worktree, message);
    expect(result.committed).toBe(true);
    expect(result.sha).toBe(await git(['rev-parse', 'HEAD'], worktree));
    const { stdout } = await runGit(['log', '-1', '--format=%B'], { cwd: worktree });
    expect(stdout.replace(/\n+$/, '')).toBe(message);
    expect(fs.existsSync(canary)).toBe(false);
    expect(await stageChanges(worktree)).toBe(false);
    expect(await commitsAhead(worktree, 'origin/main')).toBe(1);
  });
});

describe('commitAll as a configured identity, and diffStat', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of [
      'GIT_CONFIG_GLOBAL',
      'GIT_AUTHOR_NAME',
      'GIT_AUTHOR_EMAIL',
      'GIT_COMMITTER_NAME',
      'GIT_COMMITTER_EMAIL',
    ]) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('commits as the given bot even when the host has a global identity and GIT_AUTHOR_* set', async () => {
    const global = path.join(tmp, 'gitconfig');
    fs.writeFileSync(global, '[user]\n\tname = Jane Person\n\temail = jane@example.com\n');
    process.env['GIT_CONFIG_GLOBAL'] = global;
    process.env['GIT_AUTHOR_NAME'] = 'Someone Else';
    fs.writeFileSync(path.join(worktree, 'a.txt'), 'a');
    await commitAll(worktree, 'bot commit', { author: { name: 'Night Bot', email: 'bot@example.com' } });
    expect(await git(['log', '-1', '--format=%an <%ae>|%cn <%ce>'], worktree)).toBe(
      'Night Bot <bot@example.com>|Night Bot <bot@example.com>',
    );
    // Without an author the host's global config is not read either (git runs with Nightshift's own): the fallback.
    delete process.env['GIT_AUTHOR_NAME'];
    fs.writeFileSync(path.join(worktree, 'b.txt'), 'b');
    await commitAll(worktree, 'host commit');
    expect(await git(['log', '-1', '--format=%an <%ae>'], worktree)).toBe('Nightshift <nightshift@localhost>');
  });

  it('diffStat lists the files the branch changed since the base', async () => {
    fs.writeFileSync(path.join(worktree, 'new.txt'), 'one\ntwo\n');
    await commitAll(worktree, 'one');
    const stat = await diffStat(worktree, 'origin/main');
    expect(stat).toMatch(/new\.txt \| 2 \+\+/);
    expect(stat).toMatch(/1 file changed, 2 insertions/);
    await expect(diffStat(worktree, '--output=/tmp/x')).rejects.toThrow(/starts with "-"/);
  });
});

describe('pushBranch', () => {
  it('creates the branch on the bare remote, and a forced second push replaces it', async () => {
    fs.writeFileSync(path.join(worktree, 'a.txt'), 'one');
    const first = await commitAll(worktree, 'one');
    await pushBranch(worktree, remote, 'agent/ENG-1');
    expect(await git(['rev-parse', 'refs/heads/agent/ENG-1'], remote)).toBe(first.sha);

    // Rewrite history (a retry starting over): only --force lets this through.
    await runGit(['reset', '--hard', 'origin/main'], { cwd: worktree });
    fs.writeFileSync(path.join(worktree, 'b.txt'), 'two');
    const second = await commitAll(worktree, 'two');
    await pushBranch(worktree, `file://${remote}`, 'agent/ENG-1');
    expect(await git(['rev-parse', 'refs/heads/agent/ENG-1'], remote)).toBe(second.sha);
    expect(await git(['rev-parse', 'refs/heads/main'], remote)).not.toBe(second.sha);
  });

  it('with expectNew, creates a branch that is absent but never overwrites one that exists', async () => {
    fs.writeFileSync(path.join(worktree, 'a.txt'), 'one');
    const first = await commitAll(worktree, 'one');
    await pushBranch(worktree, remote, 'agent/ENG-2', { expectNew: true });
    expect(await git(['rev-parse', 'refs/heads/agent/ENG-2'], remote)).toBe(first.sha);

    await runGit(['reset', '--hard', 'origin/main'], { cwd: worktree });
    fs.writeFileSync(path.join(worktree, 'b.txt'), 'two');
    await commitAll(worktree, 'two');
    const error = await pushBranch(worktree, remote, 'agent/ENG-2', { expectNew: true }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GitCommandError);
    expect((error as GitCommandError).stderr).toMatch(/stale info/);
    expect(await git(['rev-parse', 'refs/heads/agent/ENG-2'], remote)).toBe(first.sha);
  });

  it('never leaks URL credentials in its error', async () => {
    const url = 'http://nightshift-bot:s3cr3t-t0ken@127.0.0.1:9/org/web.git';
    const error = await pushBranch(worktree, url, 'agent/ENG-1').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GitCommandError);
    const err = error as GitCommandError;
    expect(err.message).toContain('git push');
    expect(err.message).toContain(worktree);
    expect(`${err.message}\n${err.stderr}\n${err.stack ?? ''}`).not.toContain('s3cr3t');
  });
});
