import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { baseStanding, GitCommandError, mergeBaseForResolution, pushBranch, rebaseOnto, runGit } from './index';

jest.setTimeout(60_000);

const BOT = { name: 'Night Bot', email: 'bot@example.com' };
let tmp: string;
let repo: string;

async function git(...args: string[]): Promise<string> {
  return (await runGit(args, { cwd: repo })).stdout.trim();
}

async function commit(branch: string, file: string, content: string): Promise<string> {
  await git('checkout', '--quiet', branch);
  fs.writeFileSync(path.join(repo, file), content);
  await git('add', '-A');
  await git('commit', '--quiet', '-m', `${branch}: ${file}`);
  return git('rev-parse', 'HEAD');
}

beforeEach(async () => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nightshift-base-move-')));
  repo = path.join(tmp, 'repo');
  fs.mkdirSync(repo);
  await git('init', '--quiet', '--initial-branch=main');
  fs.writeFileSync(path.join(repo, 'shared.txt'), 'one\ntwo\nthree\n');
  await git('add', '-A');
  await git('commit', '--quiet', '-m', 'initial');
  await git('branch', 'feature');
  await commit('feature', 'shared.txt', 'one\nTWO (feature)\nthree\n');
});

afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('baseStanding', () => {
  it('is up to date while the base has not moved', async () => {
    expect(await baseStanding(repo, 'main', 'feature')).toMatchObject({ behind: false, clean: true, conflicts: [] });
  });

  it('is behind and clean when the base moved on other files, naming the base commits', async () => {
    await commit('main', 'other.txt', 'x\n');
    const s = await baseStanding(repo, 'main', 'feature');
    expect(s).toMatchObject({ behind: true, clean: true, conflicts: [] });
    expect(s.baseCommits).toEqual([expect.stringMatching(/main: other\.txt$/)]);
  });

  it('is behind and conflicting, naming the files, when the base changed the same lines', async () => {
    await commit('main', 'shared.txt', 'one\nTWO (main)\nthree\n');
    expect(await baseStanding(repo, 'main', 'feature')).toMatchObject({
      behind: true,
      clean: false,
      conflicts: ['shared.txt'],
    });
  });
});

describe('rebaseOnto', () => {
  it('replays the branch on the new base; a conflict aborts and leaves the branch as it was', async () => {
    const base = await commit('main', 'other.txt', 'x\n');
    await git('checkout', '--quiet', 'feature');
    const head = await rebaseOnto(repo, 'main', BOT);
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    await git('merge-base', '--is-ancestor', base, head!);
    expect(await git('log', '-1', '--format=%cn <%ce>')).toBe('Night Bot <bot@example.com>');

    const before = await git('rev-parse', 'feature');
    await commit('main', 'shared.txt', 'one\nTWO (main)\nthree\n');
    await git('checkout', '--quiet', 'feature');
    expect(await rebaseOnto(repo, 'main', BOT)).toBeNull();
    expect(await git('rev-parse', 'HEAD')).toBe(before);
    expect(await git('status', '--porcelain')).toBe('');
  });
});

describe('mergeBaseForResolution', () => {
  it('leaves the conflict markers in the work tree and returns the files, hunks and base commits', async () => {
    await commit('main', 'shared.txt', 'one\nTWO (main)\nthree\n');
    await git('checkout', '--quiet', 'feature');
    const merged = await mergeBaseForResolution(repo, 'main');
    expect(merged.files).toEqual(['shared.txt']);
    expect(merged.hunks[0]!.text).toContain('TWO (main)');
    expect(merged.baseCommits).toEqual([expect.stringMatching(/main: shared\.txt$/)]);
    expect(fs.readFileSync(path.join(repo, 'shared.txt'), 'utf8')).toMatch(/^<{7} HEAD/m);
  });
});

describe('pushBranch with a lease', () => {
  it('rewrites the branch while it is at the leased commit, and refuses once someone else pushed to it', async () => {
    const remote = path.join(tmp, 'remote.git');
    await runGit(['init', '--quiet', '--bare', remote], { cwd: tmp });
    await git('push', '--quiet', remote, 'main', 'feature');
    const pushed = await git('rev-parse', 'feature');
    await commit('main', 'other.txt', 'x\n');
    await git('push', '--quiet', remote, 'main');
    await git('checkout', '--quiet', 'feature');
    const rebased = (await rebaseOnto(repo, 'main', BOT))!;
    await pushBranch(repo, remote, 'feature', { lease: pushed });
    expect((await runGit(['rev-parse', 'feature'], { cwd: remote })).stdout.trim()).toBe(rebased);

    // A human pushes on top of the rebased branch from their clone; a second rewrite leased on `rebased`… succeeds
    // only if the lease is still right: lease the old commit and it must be refused, the human's commit kept.
    const clone = path.join(tmp, 'human');
    await runGit(['clone', '--quiet', '--branch', 'feature', remote, clone], { cwd: tmp });
    fs.writeFileSync(path.join(clone, 'human.txt'), 'typo fixed\n');
    await runGit(['add', '-A'], { cwd: clone });
    await runGit(['commit', '--quiet', '-m', 'human'], { cwd: clone });
    await runGit(['push', '--quiet', 'origin', 'feature'], { cwd: clone });
    const human = (await runGit(['rev-parse', 'HEAD'], { cwd: clone })).stdout.trim();
    const refused = await pushBranch(repo, remote, 'feature', { lease: rebased }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GitCommandError);
    expect((refused as GitCommandError).stderr).toMatch(/stale info/);
    expect((await runGit(['rev-parse', 'feature'], { cwd: remote })).stdout.trim()).toBe(human);
    await expect(pushBranch(repo, remote, 'feature', { lease: 'main' })).rejects.toThrow(/full sha/);
  });
});
