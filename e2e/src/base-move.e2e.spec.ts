import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { TrackerPolls } from '@nightshift/state';

import { CLI, Pipeline, waitFor } from './harness';

/** `nightshift prs` as an operator runs it against the pipeline. */
function prsTable(pipeline: Pipeline): string {
  return execFileSync(process.execPath, [CLI, '--config', pipeline.configFile, 'prs'], {
    env: { ...process.env, REDIS_URL: pipeline.redisUrl },
    encoding: 'utf8',
  });
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Hu Man', '-c', 'user.email=human@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();

/** What a human does from their own clone: one commit on `branch` of the bare `remote`, pushed (no force). */
function humanCommit(remote: string, branch: string, file: string, content: string, message: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-human-'));
  try {
    git(dir, 'clone', '--quiet', '--branch', branch, remote, '.');
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
    git(dir, 'add', '-A');
    git(dir, 'commit', '--quiet', '-m', message);
    git(dir, 'push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`);
    return git(dir, 'rev-parse', 'HEAD');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The repo's one check: it passes, and leaves a line per run outside the worktree, so a re-run after a rebase shows.
const FILES = {
  'checks/count.js': `require('fs').appendFileSync(process.env.CHECK_RUNS_LOG, process.cwd() + '\\n'); console.log('ok');\n`,
};

async function start(repo: Record<string, unknown>, followUp: Record<string, unknown> = {}): Promise<Pipeline> {
  const pipeline = await Pipeline.start({
    repos: ['alpha'],
    files: FILES,
    config: {
      tracker: { kind: 'local', scanIntervalSec: 1 },
      followUp: { debounceSec: 0, ...followUp },
      // The default 30 s between mirror fetches stays: a base-move follow-up fetches the base itself.
      worktrees: { fetchIntervalSec: 30 },
      repos: [{ name: 'alpha', remote: './remotes/alpha.git', labels: ['alpha-label'], ...repo }],
    },
  });
  return pipeline;
}

describe('when the base branch moves under an open PR (local forge)', () => {
  let pipeline: Pipeline;
  afterEach(() => pipeline?.stop());

  it('a clean move → the PR is rebased (still one PR, checks re-run, head descends from the new base); a human commit on the branch → no force push over it, one note instead', async () => {
    const runsLog = path.join(os.tmpdir(), `ns-check-runs-${process.pid}-${Date.now()}.log`);
    writeFileSync(runsLog, '');
    pipeline = await start({
      checks: [{ name: 'count', argv: [process.execPath, 'checks/count.js'], timeoutSec: 60 }],
      agentEnv: { set: { CHECK_RUNS_LOG: runsLog } },
    });
    const ticket = (await pipeline.board.add({ title: 'add the export button', labels: ['alpha-label'] })).key;
    pipeline.startAll();
    const remote = path.join(pipeline.dir, 'remotes', 'alpha.git');
    const tip = (ref: string) => git(remote, 'rev-parse', ref);
    const isAncestor = (a: string, b: string) => {
      try {
        git(remote, 'merge-base', '--is-ancestor', a, b);
        return true;
      } catch {
        return false;
      }
    };
    const events = () => pipeline.events.read();
    await waitFor(
      'the first session In Review',
      async () => (await pipeline.board.getTicket(ticket))?.state === 'In Review',
      120_000,
      200,
    );
    const [pr] = await pipeline.forge.listPrs();
    const pushed = tip(pr!.head);
    const checkRunsBefore = readFileSync(runsLog, 'utf8').split('\n').filter(Boolean).length;

    // 1. Someone merges an unrelated change into main: the PR is rebased onto it.
    const newBase = humanCommit(remote, 'main', 'unrelated.txt', 'from another PR\n', 'another PR merged');
    await waitFor('the PR rebased', async () => (await events()).some((e) => e.type === 'pr.rebased'), 60_000, 200);
    const rebasedHead = tip(pr!.head);
    expect(rebasedHead).not.toBe(pushed);
    expect(isAncestor(newBase, rebasedHead)).toBe(true);
    expect(git(remote, 'log', '--format=%s', `${newBase}..${rebasedHead}`)).toContain(ticket);
    expect(await pipeline.forge.listPrs()).toHaveLength(1);
    expect(readFileSync(runsLog, 'utf8').split('\n').filter(Boolean).length).toBe(checkRunsBefore + 1);
    expect(
      (await events()).filter((e) => e.type === 'check.finished' && e.detail?.['after'] === 'rebase'),
    ).toHaveLength(1);
    expect(pipeline.agentLaunches()).toHaveLength(1);
    expect((await pipeline.board.getTicket(ticket))?.state).toBe('In Review');
    expect(prsTable(pipeline)).toMatch(new RegExp(`alpha\\s+${pr!.number}\\s+open\\s+rebased\\s+${pr!.head}`));

    // 2. A human pushes a commit to the PR's branch, then main moves again: their commit is never overwritten.
    const human = humanCommit(remote, pr!.head, 'human.txt', 'a reviewer fixed a typo\n', 'fix a typo');
    humanCommit(remote, 'main', 'unrelated-2.txt', 'yet another PR\n', 'yet another PR merged');
    await waitFor(
      'the refusal noted',
      async () => (await events()).some((e) => e.type === 'pr.rebase_refused'),
      60_000,
      200,
    );
    const polls = new TrackerPolls(pipeline.redis);
    const scanned = async () => (await polls.lastSuccess())['local'] ?? 0;
    const at = await scanned();
    await waitFor('three more scans', async () => (await scanned()) > at + 2500, 30_000, 200);
    expect(tip(pr!.head)).toBe(human);
    const all = await events();
    expect(all.filter((e) => e.type === 'pr.rebase_refused')).toHaveLength(1);
    expect(all.filter((e) => e.type === 'pr.rebased')).toHaveLength(1);
    const notes = (await pipeline.board.getTicket(ticket))!.comments.filter((c) => c.body.includes('did not push'));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain(human.slice(0, 12));
    expect(pipeline.agentLaunches()).toHaveLength(1);
    expect(prsTable(pipeline)).toMatch(/open\s+human-pushed/);
    rmSync(runsLog, { force: true });
  });

  it('a conflicting move → one conflict session on the same branch (the fake agent resolves it) and the PR merges cleanly; a second conflict past the cap → one note and the conflicts label, no session', async () => {
    pipeline = await start({}, { maxRounds: 1 });
    const ticket = (await pipeline.board.add({ title: 'write the changelog', labels: ['alpha-label'] })).key;
    pipeline.startAll();
    const remote = path.join(pipeline.dir, 'remotes', 'alpha.git');
    const tip = (ref: string) => git(remote, 'rev-parse', ref);
    const events = () => pipeline.events.read();
    const released = async (n: number) =>
      (await events()).filter((e) => e.type === 'claim.released' && e.ticket === ticket).length >= n &&
      (await pipeline.board.getTicket(ticket))?.state === 'In Review';
    await waitFor('the first session In Review', () => released(1), 120_000, 200);
    const [pr] = await pipeline.forge.listPrs();
    const changed = `nightshift-changes/${ticket}.md`;

    // 1. Main changes the very file the PR wrote: a conflict, so one follow-up session with it in its prompt.
    const conflicting = humanCommit(remote, 'main', changed, 'main wrote this first\n', 'main takes the file');
    await waitFor('the conflict session finished', () => released(2), 120_000, 200);
    const started = (await events()).filter((e) => e.type === 'followup.started');
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ ticket, detail: { trigger: 'base-moved', round: 1, of: 1, pr: pr!.url } });
    const prompt = pipeline.receivedPrompts()[1]!.prompt;
    expect(prompt).toContain(`It conflicts on 1 file(s): ${changed}`);
    expect(prompt).toContain('main takes the file');
    expect(prompt).toContain('>>>>>>> refs/remotes/origin/main');
    expect(prompt).toContain('main wrote this first');
    const head = tip(pr!.head);
    expect(git(remote, 'merge-base', '--is-ancestor', conflicting, head)).toBe('');
    // It merges cleanly into main now: no conflict left, no marker in the file.
    expect(git(remote, 'merge-tree', '--write-tree', '--name-only', 'main', head).split('\n')).toHaveLength(1);
    expect(git(remote, 'show', `${head}:${changed}`)).not.toMatch(/^[<>=]{7}/m);
    expect(await pipeline.forge.listPrs()).toHaveLength(1);
    expect((await pipeline.forge.listPrs())[0]!.labels ?? []).not.toContain('conflicts');

    // 2. Main conflicts again: the one round is spent, so one note and the label, no session, however many scans.
    humanCommit(remote, 'main', changed, 'main rewrote it again\n', 'main rewrites the file');
    await waitFor(
      'the cap noted',
      async () => (await events()).some((e) => e.type === 'pr.conflicts_capped'),
      60_000,
      200,
    );
    const polls = new TrackerPolls(pipeline.redis);
    const scanned = async () => (await polls.lastSuccess())['local'] ?? 0;
    const at = await scanned();
    await waitFor('three more scans', async () => (await scanned()) > at + 2500, 30_000, 200);
    const all = await events();
    expect(all.filter((e) => e.type === 'pr.conflicts_capped')).toHaveLength(1);
    expect(all.filter((e) => e.type === 'followup.started')).toHaveLength(1);
    expect(pipeline.agentLaunches()).toHaveLength(2);
    expect((await pipeline.forge.listPrs())[0]!.labels).toContain('conflicts');
    const notes = (await pipeline.board.getTicket(ticket))!.comments.filter((c) => c.body.includes('no longer merges'));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain(pr!.url);
    expect((await pipeline.board.getTicket(ticket))?.state).toBe('In Review');
    expect(prsTable(pipeline)).toMatch(/open\s+capped/);
  });
});
