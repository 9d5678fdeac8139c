import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Pipeline, waitFor } from './harness';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'A Person',
      GIT_AUTHOR_EMAIL: 'person@example.com',
      GIT_COMMITTER_NAME: 'A Person',
      GIT_COMMITTER_EMAIL: 'person@example.com',
    },
  }).trim();

/**
 * A ticket's first launch starts from the base without asking the remote where its branch is (one
 * `ls-remote` less per ticket) and pushes only if the branch is still absent. Here the branch is on the
 * remote already (a person's, or one left from before Nightshift's counters were lost): the first push is
 * refused rather than overwrite it, the ticket goes back to the queue without spending an attempt, and the
 * next launch continues that branch, so the PR holds the person's commit and the agent's.
 */
describe('a first launch whose branch already exists on the remote', () => {
  let pipeline: Pipeline;
  let scratch: string;
  beforeAll(async () => {
    pipeline = await Pipeline.start({ repos: ['alpha'] });
    scratch = mkdtempSync(path.join(os.tmpdir(), 'ns-existing-branch-'));
  });
  afterAll(async () => {
    await pipeline?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('never overwrites it: the push is refused, then the next launch continues it into the one PR', async () => {
    const ticket = await pipeline.board.add({
      title: '[alpha] a change on a branch someone started',
      description: 'Carry on.',
    });
    const remote = path.join(pipeline.dir, 'remotes', 'alpha.git');
    const clone = path.join(scratch, 'clone');
    git(scratch, 'clone', '--quiet', remote, clone);
    writeFileSync(path.join(clone, 'person.txt'), 'started by hand\n');
    git(clone, 'add', '-A');
    git(clone, 'commit', '--quiet', '-m', 'a person started this branch');
    const personsCommit = git(clone, 'rev-parse', 'HEAD');
    git(clone, 'push', '--quiet', 'origin', `HEAD:refs/heads/agent/${ticket.key}`);

    pipeline.startAll();
    const pr = await waitFor(
      'the one PR',
      async () => (await pipeline.forge.listPrs()).find((p) => p.tickets.includes(ticket.key)),
      90_000,
    );
    await waitFor(
      'the ticket In Review',
      async () => (await pipeline.board.getTicket(ticket.key))?.state === 'In Review',
      30_000,
    );

    // The branch still holds the person's commit, with the agent's work on top.
    const tip = git(remote, 'rev-parse', `refs/heads/agent/${ticket.key}`);
    expect(tip).not.toBe(personsCommit);
    expect(git(remote, 'merge-base', '--is-ancestor', personsCommit, tip)).toBe('');
    expect(git(remote, 'show', `${tip}:person.txt`)).toBe('started by hand');
    expect(pr.head).toBe(`agent/${ticket.key}`);

    const runs = (await pipeline.runs.list())
      .filter((r) => r.tickets.includes(ticket.key))
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    expect(runs.map((r) => [r.runId, r.outcome])).toEqual([
      [`${ticket.key}.1`, 'infra_error'],
      [`${ticket.key}.2`, 'success'],
    ]);
    expect(runs[0]!.reason).toMatch(/stale info|rejected/);
    expect(await pipeline.counters.attemptsSpent(ticket.key)).toBe(0);
  });
});
