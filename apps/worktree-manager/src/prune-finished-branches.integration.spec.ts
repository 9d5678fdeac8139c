import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { LocalForge } from '@nightshift/forge';
import { makeBareRemote, runGit, WorktreeStore } from '@nightshift/git';
import pino from 'pino';

import { pruneFinishedBranches } from './prune-finished-branches';

describe('pruneFinishedBranches', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'ns-prune-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('deletes local branches of closed PRs, keeps open ones and ones still checked out', async () => {
    const remote = await makeBareRemote(path.join(dir, 'api.git'), { 'README.md': '# api\n' });
    const store = new WorktreeStore({ root: path.join(dir, 'root') });
    const forge = new LocalForge({ dir: path.join(dir, 'forge') });
    const mirror = await store.ensureMirror({ name: 'api', remoteUrl: remote });
    for (const b of ['agent/A-1', 'agent/A-2']) await runGit(['branch', b, 'origin/main'], { cwd: mirror });
    await store.createWorktree({
      repo: 'api',
      remoteUrl: remote,
      baseBranch: 'main',
      branch: 'agent/A-3',
      worktreeKey: 'A-3',
    });
    for (const [head, close] of [
      ['agent/A-1', true],
      ['agent/A-2', false],
      ['agent/A-3', true],
    ] as const) {
      const { pr } = await forge.findOrCreatePr({
        repo: 'api',
        head,
        base: 'main',
        title: head,
        body: '',
        tickets: [head.slice(6)],
      });
      if (close) await forge.closePr!('api', pr.number);
    }
    expect(await pruneFinishedBranches(forge, store, pino({ level: 'silent' }))).toBe(1);
    const branches = (await runGit(['branch', '--format=%(refname:short)'], { cwd: mirror })).stdout
      .split('\n')
      .filter(Boolean);
    expect(branches).not.toContain('agent/A-1');
    expect(branches).toEqual(expect.arrayContaining(['agent/A-2', 'agent/A-3']));
  });
});
