import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { PushFailedError } from './errors';
import { LocalForge } from './local-forge';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-forge-git-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** A bare remote plus a clone with one commit on top of main. */
function setup(): { remote: string; worktree: string; head: string } {
  const remote = path.join(dir, 'remote.git');
  const worktree = path.join(dir, 'wt');
  git(dir, 'init', '--quiet', '--bare', remote);
  git(dir, 'clone', '--quiet', remote, worktree);
  git(worktree, 'config', 'user.email', 'test@nightshift.local');
  git(worktree, 'config', 'user.name', 'test');
  fs.writeFileSync(path.join(worktree, 'a.txt'), 'one\n');
  git(worktree, 'add', 'a.txt');
  git(worktree, 'commit', '--quiet', '-m', 'one');
  return { remote, worktree, head: git(worktree, 'rev-parse', 'HEAD') };
}

describe('LocalForge.pushBranch', () => {
  it('puts the worktree HEAD on the branch in the remote, and force-replaces it on retry', async () => {
    const { remote, worktree, head } = setup();
    const forge = new LocalForge({ dir: path.join(dir, 'forge') });
    await forge.pushBranch({ repo: 'web', remoteUrl: remote, worktreePath: worktree, branch: 'agent/NS-1' });
    expect(git(remote, 'rev-parse', 'refs/heads/agent/NS-1')).toBe(head);

    // A retried session starts over from the base: the push must replace, not be rejected as non-fast-forward.
    git(worktree, 'checkout', '--quiet', '--orphan', 'retry');
    fs.writeFileSync(path.join(worktree, 'b.txt'), 'two\n');
    git(worktree, 'add', 'b.txt');
    git(worktree, 'commit', '--quiet', '-m', 'two');
    const retried = git(worktree, 'rev-parse', 'HEAD');
    await forge.pushBranch({ repo: 'web', remoteUrl: remote, worktreePath: worktree, branch: 'agent/NS-1' });
    expect(git(remote, 'rev-parse', 'refs/heads/agent/NS-1')).toBe(retried);
  });

  it('fails with PushFailedError carrying git output, without leaking credentials', async () => {
    const { worktree } = setup();
    const forge = new LocalForge({ dir: path.join(dir, 'forge') });
    const missing = path.join(dir, 'no-such-remote.git');
    const err = await forge
      .pushBranch({ repo: 'web', remoteUrl: missing, worktreePath: worktree, branch: 'agent/NS-1' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PushFailedError);
    expect((err as Error).message).toContain('agent/NS-1');
    expect((err as Error).message).toMatch(/does not appear to be a git repository|not found|No such/i);

    const secret = 'http://user:s3cret@127.0.0.1:9/repo.git';
    const err2 = await forge
      .pushBranch({ repo: 'web', remoteUrl: secret, worktreePath: worktree, branch: 'agent/NS-1' })
      .catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(PushFailedError);
    expect((err2 as Error).message).not.toContain('s3cret');
    expect((err2 as PushFailedError).remote).toBe('http://***@127.0.0.1:9/repo.git');
  });

  it('refuses option-like remotes and invalid branch names before running a push', async () => {
    const { remote, worktree } = setup();
    const forge = new LocalForge({ dir: path.join(dir, 'forge') });
    await expect(
      forge.pushBranch({ repo: 'web', remoteUrl: '--upload-pack=touch /tmp/x', worktreePath: worktree, branch: 'b' }),
    ).rejects.toThrow(TypeError);
    for (const branch of ['-f', 'a..b', 'a b', 'x.lock', '']) {
      await expect(
        forge.pushBranch({ repo: 'web', remoteUrl: remote, worktreePath: worktree, branch }),
      ).rejects.toThrow(TypeError);
    }
    expect(git(remote, 'for-each-ref')).toBe('');
  });
});
