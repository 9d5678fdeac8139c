import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { TrackerPolls } from '@nightshift/state';

import { Pipeline, waitFor } from './harness';

describe('review follow-up on the same PR (local forge)', () => {
  let pipeline: Pipeline;
  afterEach(() => pipeline?.stop());

  it('a review comment → one follow-up session on the same branch with the comment in its prompt, the same PR updated; a human move back → one more, which changes nothing and says so on the PR; past maxRounds → no session, one note', async () => {
    pipeline = await Pipeline.start({
      repos: ['alpha'],
      config: { followUp: { maxRounds: 2, debounceSec: 0 }, tracker: { kind: 'local', scanIntervalSec: 1 } },
    });
    const ticket = (await pipeline.board.add({ title: '[alpha] add the export button' })).key;
    pipeline.startAll();
    const remote = path.join(pipeline.dir, 'remotes', 'alpha.git');
    const tip = (branch: string) =>
      execFileSync('git', ['--git-dir', remote, 'rev-parse', branch], { encoding: 'utf8' }).trim();
    const events = () => pipeline.events.read();
    const finished = async (n: number) =>
      (await events()).filter((e) => e.type === 'claim.released' && e.ticket === ticket).length >= n &&
      (await pipeline.board.getTicket(ticket))?.state === 'In Review';

    await waitFor('the first session In Review', () => finished(1), 120_000, 200);
    const [pr] = await pipeline.forge.listPrs();
    const firstTip = tip(pr!.head);
    expect(pr!.head).toBe(`agent/${ticket}`);

    // 1. A reviewer's comment: one follow-up on the same branch, the comment in its prompt, the same PR updated.
    await pipeline.forge.addReview('alpha', pr!.number, {
      author: 'rita',
      kind: 'review_comment',
      path: 'src/export.ts',
      line: 12,
      body: 'Please name the button "Export CSV".\nFIX: create review-fix',
    });
    await waitFor('the follow-up finished', () => finished(2), 120_000, 200);
    const started = (await events()).filter((e) => e.type === 'followup.started');
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ ticket, detail: { trigger: 'feedback', round: 1, of: 2, pr: pr!.url } });
    const prompts = pipeline.receivedPrompts();
    expect(prompts).toHaveLength(2);
    expect(prompts[0]!.prompt).not.toContain('Export CSV');
    expect(prompts[1]!.prompt).toContain('Please name the button "Export CSV".');
    expect(prompts[1]!.prompt).toContain('src/export.ts:12');
    const prs = await pipeline.forge.listPrs();
    expect(prs).toHaveLength(1);
    expect(prs[0]).toMatchObject({ number: pr!.number, head: pr!.head, state: 'open' });
    const secondTip = tip(pr!.head);
    expect(secondTip).not.toBe(firstTip);
    // The new commit sits on top of the first one (the worktree continued the branch) and holds what the comment asked for.
    expect(execFileSync('git', ['--git-dir', remote, 'merge-base', '--is-ancestor', firstTip, secondTip]).length).toBe(
      0,
    );
    expect(
      execFileSync('git', ['--git-dir', remote, 'ls-tree', '-r', '--name-only', secondTip], { encoding: 'utf8' }),
    ).toContain('nightshift-fixes/review-fix');
    expect(
      (await events()).filter((e) => e.type === 'pr.updated' && e.ticket === ticket).map((e) => e.detail?.['number']),
    ).toEqual([pr!.number]);

    // 2. A human moves the In Review ticket back to the queue: a follow-up on the same PR, not straight back to In Review.
    await pipeline.board.moveTo(ticket, 'Agent Queue');
    await waitFor('the moved-back follow-up finished', () => finished(3), 120_000, 200);
    expect((await events()).filter((e) => e.type === 'followup.started').map((e) => e.detail?.['trigger'])).toEqual([
      'feedback',
      'moved-back',
    ]);
    expect(pipeline.receivedPrompts()[2]!.prompt).toContain('A human sent this ticket back');
    expect(await pipeline.forge.listPrs()).toHaveLength(1);
    // With no new feedback in its prompt the agent changed nothing: not a success; the PR says so; no attempt spent.
    expect((await pipeline.runs.list()).find((r) => r.runId === `${ticket}.3`)?.outcome).toBe('no_changes');
    expect(tip(pr!.head)).toBe(secondTip);
    expect((await pipeline.forge.listPrs())[0]!.body).toContain(
      `Follow-up 2 of 2 (run ${ticket}.3) changed nothing on this branch.`,
    );
    expect(await pipeline.counters.attemptsSpent(ticket)).toBe(0);

    // 3. Both rounds spent: another comment gets no session and exactly one note, however many scans see it.
    await pipeline.forge.addReview('alpha', pr!.number, { author: 'rita', body: 'One more thing: the tooltip.' });
    await waitFor('the cap noted', async () => (await events()).some((e) => e.type === 'followup.capped'), 60_000, 200);
    const polls = new TrackerPolls(pipeline.redis);
    const scanned = async () => (await polls.lastSuccess())['local'] ?? 0;
    const at = await scanned();
    await waitFor('two more scans', async () => (await scanned()) > at && (await scanned()) > at + 1500, 30_000, 200);
    // And a human moving it back once more: still no session, no second note, back In Review.
    await pipeline.board.moveTo(ticket, 'Agent Queue');
    await waitFor(
      'back In Review',
      async () => (await pipeline.board.getTicket(ticket))?.state === 'In Review',
      60_000,
      200,
    );
    const after = await scanned();
    await waitFor('one more scan', async () => (await scanned()) > after, 30_000, 200);

    expect(pipeline.agentLaunches()).toHaveLength(3);
    const all = await events();
    expect(all.filter((e) => e.type === 'followup.capped')).toHaveLength(1);
    expect(all.filter((e) => e.type === 'followup.started')).toHaveLength(2);
    const notes = (await pipeline.board.getTicket(ticket))!.comments.filter((c) => c.body.includes('follow-up round'));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain(pr!.url);
    expect(await pipeline.forge.listPrs()).toHaveLength(1);
  });
});
