import { execFileSync } from 'node:child_process';
import path from 'node:path';

import type { StoredEvent } from '@nightshift/state';

import { Pipeline, waitFor } from './harness';
import { E2E_SECRETS, RemoteFakes } from './remote-fakes';

/**
 * A batch of tickets shares one PR (on its lead's branch): the PR's feedback is every ticket's, a follow-up works
 * for all of them on that branch, and a member sent back by a human follows up on the same PR instead of opening
 * a second one. Linear and GitHub fakes driven by the real @linear/sdk and Octokit.
 */
describe('a batch shares its GitHub PR: one follow-up for all its tickets, never a second PR', () => {
  let fakes: RemoteFakes;
  let pipeline: Pipeline;
  beforeEach(async () => {
    fakes = new RemoteFakes(['alpha']);
    await fakes.start();
    pipeline = await Pipeline.start({
      repos: fakes.repos,
      config: { ...fakes.config(), routing: { batchSize: 2 }, followUp: { maxRounds: 2, debounceSec: 0 } },
      env: { ...E2E_SECRETS },
    });
    fakes.useRemotes(pipeline.dir);
  });
  afterEach(async () => {
    await pipeline?.stop();
    await fakes?.stop();
  });

  const events = () => pipeline.events.read();
  const state = (key: string) => fakes.linear.issue(key).state;

  /** Two queued tickets of one repo, routed as one batch: the PR opened for both, both In Review. */
  async function batchInReview(): Promise<{ keys: string[]; lead: string; member: string }> {
    const keys = ['export the report', 'add a CSV header'].map(
      (title) => fakes.linear.createIssue({ team: 'ENG', title: `[alpha] ${title}`, state: 'Agent Queue' }).key,
    );
    pipeline.startAll();
    await waitFor(
      'the batch In Review',
      async () =>
        keys.every((k) => state(k) === 'In Review') && (await events()).some((e) => e.type === 'claim.released'),
      120_000,
      200,
    );
    const [pr, ...more] = fakes.github.pulls('acme/alpha');
    expect(more).toEqual([]);
    expect(pr!.body).toMatch(
      new RegExp(`<!-- nightshift:tickets (${keys.join(',')}|${[...keys].reverse().join(',')}) -->`),
    );
    const lead = pr!.head.slice('agent/'.length);
    return { keys, lead, member: keys.find((k) => k !== lead)! };
  }

  /** The one follow-up's run: each of its tickets claimed by it, then moved back to In Review by it. */
  function followUpRun(all: StoredEvent[]): string {
    const started = all.filter((e) => e.type === 'followup.started');
    expect(started).toHaveLength(1);
    return started[0]!.run!;
  }
  const movedBy = (all: StoredEvent[], run: string, to: string) =>
    all
      .filter((e) => e.type === 'ticket.moved' && e.run === run && e.detail?.['to'] === to)
      .map((e) => e.ticket)
      .sort();

  it('a review comment on the batch PR → one follow-up on its branch for every ticket; all back In Review together; still one PR', async () => {
    const { keys } = await batchInReview();
    const [pr] = fakes.github.pulls('acme/alpha');
    fakes.github.addReviewComment('acme/alpha', pr!.number, {
      path: 'src/report.ts',
      line: 3,
      body: 'Quote the header cells.\nFIX: create batch-review',
      user: 'rita',
    });
    await waitFor(
      'the follow-up finished',
      async () =>
        pipeline.agentLaunches().length === 2 &&
        keys.every((k) => state(k) === 'In Review') &&
        (await events()).filter((e) => e.type === 'claim.released').length === 2,
      120_000,
      200,
    );

    const all = await events();
    const run = followUpRun(all);
    expect(all.find((e) => e.type === 'followup.started')!.detail).toMatchObject({ trigger: 'feedback', pr: pr!.url });
    expect(movedBy(all, run, 'In Progress')).toEqual([...keys].sort());
    expect(movedBy(all, run, 'In Review')).toEqual([...keys].sort());
    expect(pipeline.receivedPrompts()[1]!.prompt).toContain('Quote the header cells.');
    const remote = path.join(pipeline.dir, 'remotes', 'alpha.git');
    expect(
      execFileSync('git', ['--git-dir', remote, 'ls-tree', '-r', '--name-only', pr!.head], { encoding: 'utf8' }),
    ).toContain('nightshift-fixes/batch-review');
    const prs = fakes.github.pulls('acme/alpha');
    expect(prs.map((p) => [p.number, p.state])).toEqual([[pr!.number, 'open']]);
    for (const key of keys) expect(prs[0]!.body).toContain(key);
  });

  it('a batch member a human moves back to the queue follows up on the batch PR: no second PR', async () => {
    const { keys, member } = await batchInReview();
    const [pr] = fakes.github.pulls('acme/alpha');
    fakes.linear.moveIssue(member, 'Agent Queue');
    await waitFor(
      'the follow-up finished',
      async () =>
        pipeline.agentLaunches().length === 2 &&
        keys.every((k) => state(k) === 'In Review') &&
        (await events()).filter((e) => e.type === 'claim.released').length === 2,
      120_000,
      200,
    );

    const all = await events();
    const [after, ...second] = fakes.github.pulls('acme/alpha');
    expect(second.map((p) => p.head)).toEqual([]);
    expect([after!.number, after!.state]).toEqual([pr!.number, 'open']);
    // Both tickets stay on the PR's marker, whichever ticket led the follow-up.
    for (const key of keys) expect(after!.body).toContain(key);
    expect(all.filter((e) => e.type === 'pr.opened')).toHaveLength(1);
    const run = followUpRun(all);
    expect(all.find((e) => e.type === 'followup.started')!.detail).toMatchObject({
      trigger: 'moved-back',
      pr: pr!.url,
    });
    expect(movedBy(all, run, 'In Progress')).toEqual([...keys].sort());
    expect(movedBy(all, run, 'In Review')).toEqual([...keys].sort());
  });
});
