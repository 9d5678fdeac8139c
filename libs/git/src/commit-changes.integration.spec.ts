import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commitAll, commitsAhead, GitCommandError, hasChanges, makeBareRemote, pushBranch, runGit, WorktreeStore } from './index';

jest.setTimeout(60_000);

let tmp: string;
let remote: string;
let worktree: string;

beforeEach(async () => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nightshift-commit-')));
  remote = await makeBareRemote(path.join(tmp, 'remote.git'));
  const store = new WorktreeStore({ root: path.join(tmp, 'root') });
  worktree = (await store.createWorktree({ repo: 'web', remoteUrl: remote, baseBranch: 'main', branch: 'agent/ENG-1', worktreeKey: 'ENG-1' })).path;
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const git = async (args: string[], cwd: string) => (await runGit(args, { cwd })).stdout.trim();

describe('hasChanges / commitAll', () => {
  it('sees no changes on a fresh worktree and an untracked file as a change', async () => {
    expect(await hasChanges(worktree)).toBe(false);
    fs.writeFileSync(path.join(worktree, 'new.txt'), 'hi');
    expect(await hasChanges(worktree)).toBe(true);
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
    expect(await hasChanges(worktree)).toBe(false);
    expect(await commitsAhead(worktree, 'origin/main')).toBe(1);
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
