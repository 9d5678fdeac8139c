import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
  assertMirrorIntact,
  commitAll,
  locateWorktreeGit,
  makeBareRemote,
  MirrorTamperedError,
  pushBranch,
  runGit,
  stageChanges,
  WorktreeStore,
} from './index';

jest.setTimeout(60_000);

// What the agent does with its shell: plain git, none of Nightshift's settings.
const agentGit = (args: string[], cwd: string) => execFileSync('git', args, { cwd, stdio: 'pipe' });

let tmp: string;
let remote: string;
let root: string;
let store: WorktreeStore;

beforeEach(async () => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nightshift-agentgit-')));
  remote = await makeBareRemote(path.join(tmp, 'remote.git'));
  root = path.join(tmp, 'root');
  store = new WorktreeStore({ root });
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const create = (key: string) =>
  store.createWorktree({
    repo: 'web',
    remoteUrl: remote,
    baseBranch: 'main',
    branch: `agent/${key}`,
    worktreeKey: key,
  });

describe('git on a worktree the agent wrote to runs nothing the agent wrote', () => {
  it('ignores a `.git` file the agent pointed at its own git dir (core.fsmonitor, a clean filter)', async () => {
    const { path: worktree } = await create('ENG-1');
    const fsmonitorMarker = path.join(tmp, 'fsmonitor-ran');
    const filterMarker = path.join(tmp, 'filter-ran');
    // The agent, with file-write rights only, builds a git dir of its own and points the worktree at it.
    const evil = path.join(tmp, 'evil');
    agentGit(['init', '--quiet', evil], tmp);
    fs.appendFileSync(
      path.join(evil, '.git', 'config'),
      `[core]\n\tfsmonitor = touch ${fsmonitorMarker}\n[filter "x"]\n\tclean = touch ${filterMarker}; cat\n`,
    );
    fs.writeFileSync(path.join(worktree, '.git'), `gitdir: ${path.join(evil, '.git')}\n`);
    fs.writeFileSync(path.join(worktree, '.gitattributes'), '* filter=x\n');
    fs.writeFileSync(path.join(worktree, 'work.txt'), 'the change');

    const git = await locateWorktreeGit(root, 'web', worktree);
    expect(git.gitDir).toBe(path.join(root, 'mirrors', 'web.git', 'worktrees', 'ENG-1'));
    expect(await stageChanges(git)).toBe(true);
    const { committed } = await commitAll(git, 'work', { staged: true });
    expect(committed).toBe(true);
    expect(fs.existsSync(fsmonitorMarker)).toBe(false);
    expect(fs.existsSync(filterMarker)).toBe(false);
    // The commit went to the ticket's branch in the mirror, not into the agent's repository.
    const log = await runGit(['log', '-1', '--format=%s', 'refs/heads/agent/ENG-1'], { cwd: git.mirror });
    expect(log.stdout.trim()).toBe('work');
  });

  it('runs no hook on worktree add, commit or push after an agent set the mirror core.hooksPath, and refuses the mirror', async () => {
    const a = await create('ENG-1');
    const hooks = path.join(tmp, 'hooks');
    const ran = path.join(tmp, 'ran');
    fs.mkdirSync(hooks);
    fs.mkdirSync(ran);
    for (const hook of ['post-checkout', 'reference-transaction', 'prepare-commit-msg', 'post-commit', 'pre-push']) {
      fs.writeFileSync(path.join(hooks, hook), `#!/bin/sh\ntouch ${path.join(ran, hook)}\n`, { mode: 0o755 });
    }
    // From ticket A's worktree (an allowed `git` rule, an edited check script): the config is the mirror's.
    agentGit(['config', 'core.hooksPath', hooks], a.path);
    // The same hooks straight in the mirror's hooks folder.
    for (const hook of fs.readdirSync(hooks))
      fs.copyFileSync(path.join(hooks, hook), path.join(root, 'mirrors', 'web.git', 'hooks', hook));

    const b = await create('ENG-2');
    const git = await locateWorktreeGit(root, 'web', b.path);
    fs.writeFileSync(path.join(b.path, 'b.txt'), 'b');
    await commitAll(git, 'b');
    await pushBranch(git, remote, 'agent/ENG-2');
    expect(fs.readdirSync(ran)).toEqual([]);
    // Pushed all the same: the hooks were skipped, not the work.
    expect((await runGit(['rev-parse', 'refs/heads/agent/ENG-2'], { cwd: remote })).stdout.trim()).toMatch(
      /^[0-9a-f]{40}$/,
    );

    const refused = (await assertMirrorIntact(git).catch((e: unknown) => e)) as MirrorTamperedError;
    expect(refused).toBeInstanceOf(MirrorTamperedError);
    expect(refused.findings).toEqual(
      expect.arrayContaining(['config key core.hookspath', 'hook post-checkout', 'hook pre-push']),
    );
  });

  it('accepts the mirror Nightshift made, and a worktree whose pointer was changed is still found from the store', async () => {
    const { path: worktree } = await create('ENG-3');
    const git = await locateWorktreeGit(root, 'web', worktree);
    await expect(assertMirrorIntact(git)).resolves.toBeUndefined();
    agentGit(['config', '--file', path.join(git.mirror, 'config'), 'filter.x.smudge', 'touch /tmp/x'], tmp);
    await expect(assertMirrorIntact(git)).rejects.toThrow(/config key filter\.x\.smudge/);
    await expect(locateWorktreeGit(root, 'web', path.join(tmp, 'elsewhere'))).rejects.toThrow(
      /not the store's worktree/,
    );
  });
});
