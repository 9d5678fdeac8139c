import { execFileSync } from 'node:child_process';

import { Pipeline, waitFor } from './harness';

/**
 * A worktree shares its repo's mirror (config, hooks) with every other worktree of the repo. Here something run
 * in the worktree after the agent (an afterRun hook standing in for an allowed `git` rule or an edited check
 * script) sets the mirror's core.hooksPath with plain git: the runner's check before the commit refuses the
 * mirror, nothing is pushed, and the ticket goes to a human with what was found.
 */
describe('a mirror changed from inside a worktree', () => {
  let pipeline: Pipeline;
  afterEach(() => pipeline?.stop());

  it('is refused before the commit: no push, no PR, Needs Human naming the key, a git.tampered event', async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: {
        repos: [
          {
            name: 'alpha',
            remote: './remotes/alpha.git',
            hooks: { afterRun: ['git', 'config', 'core.hooksPath', '/tmp/nightshift-e2e-planted-hooks'] },
          },
        ],
      },
    });
    const ticket = await pipeline.board.add({ title: '[alpha] paginate the list', description: 'Do it.' });
    pipeline.startAll();
    await waitFor(
      'the ticket in Needs Human',
      async () => (await pipeline.board.getTicket(ticket.key))?.state === 'Needs Human',
      60_000,
      200,
    );
    expect(await pipeline.forge.listPrs()).toEqual([]);
    const remote = `${pipeline.dir}/remotes/alpha.git`;
    expect(
      execFileSync('git', ['for-each-ref', '--format=%(refname)', 'refs/heads/agent/'], {
        cwd: remote,
        encoding: 'utf8',
      }),
    ).toBe('');
    const comment = (await pipeline.board.getTicket(ticket.key))!.comments.at(-1)!.body;
    expect(comment).toContain('refused to commit or push');
    expect(comment).toContain('core.hookspath');
    const tampered = (await pipeline.events.read()).filter((e) => e.type === 'git.tampered');
    expect(tampered).toEqual([expect.objectContaining({ ticket: ticket.key, repo: 'alpha' })]);
  });
});
