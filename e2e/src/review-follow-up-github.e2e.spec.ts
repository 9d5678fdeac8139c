import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { TrackerPolls } from '@nightshift/state';

import { Pipeline, waitFor } from './harness';
import { E2E_SECRETS, RemoteFakes, secretForms } from './remote-fakes';

/** The follow-up with the production adapters: Linear and GitHub fakes driven by the real @linear/sdk and Octokit. */
describe('review follow-up on the same GitHub PR', () => {
  const fakes = new RemoteFakes(['alpha']);
  let pipeline: Pipeline;
  beforeAll(async () => {
    await fakes.start();
    pipeline = await Pipeline.start({
      repos: fakes.repos,
      config: { ...fakes.config(), followUp: { maxRounds: 1, debounceSec: 0 } },
      env: { ...E2E_SECRETS },
    });
    fakes.useRemotes(pipeline.dir);
  });
  afterAll(async () => {
    await pipeline?.stop();
    await fakes.stop();
  });

  it('a line comment and a failed check run → one follow-up with both in its prompt, pushed to the same PR; a later comment past maxRounds → one note on the issue, no session', async () => {
    const key = fakes.linear.createIssue({
      team: 'ENG',
      title: '[alpha] export the report',
      description: 'As CSV.',
      state: 'Agent Queue',
    }).key;
    pipeline.startAll();
    const events = () => pipeline.events.read();
    const finished = async (n: number) =>
      (await events()).filter((e) => e.type === 'claim.released' && e.ticket === key).length >= n &&
      fakes.linear.issue(key).state === 'In Review';
    await waitFor('the first session In Review', () => finished(1), 120_000, 200);
    const [pr] = fakes.github.pulls('acme/alpha');
    expect(pr).toMatchObject({ head: `agent/${key}`, state: 'open' });

    fakes.github.addReviewComment('acme/alpha', pr!.number, {
      path: 'src/report.ts',
      line: 5,
      body: 'Stream the rows instead of building one string.\nFIX: create gh-review',
      user: 'rita',
    });
    fakes.github.addCheckRun('acme/alpha', pr!.number, {
      name: 'unit',
      conclusion: 'failure',
      title: '1 test failed',
      text: 'FAIL report.spec: expected a stream',
    });
    await waitFor('the follow-up finished', () => finished(2), 120_000, 200);

    expect((await events()).filter((e) => e.type === 'followup.started').map((e) => e.detail)).toEqual([
      expect.objectContaining({ trigger: 'feedback', round: 1, of: 1, pr: pr!.url }),
    ]);
    const prompt = pipeline.receivedPrompts()[1]!.prompt;
    expect(prompt).toContain('Stream the rows instead of building one string.');
    expect(prompt).toContain('src/report.ts:5');
    expect(prompt).toContain('CI check "unit" ended failure');
    expect(prompt).toContain('FAIL report.spec: expected a stream');
    expect(fakes.github.pulls('acme/alpha').map((p) => p.number)).toEqual([pr!.number]);
    expect((await events()).some((e) => e.type === 'pr.updated' && e.detail?.['number'] === pr!.number)).toBe(true);
    const remote = path.join(pipeline.dir, 'remotes', 'alpha.git');
    expect(
      execFileSync('git', ['--git-dir', remote, 'ls-tree', '-r', '--name-only', pr!.head], { encoding: 'utf8' }),
    ).toContain('nightshift-fixes/gh-review');

    fakes.github.commentAsHuman('acme/alpha', pr!.number, 'And the header row, please.', 'sam');
    await waitFor('the cap noted', async () => (await events()).some((e) => e.type === 'followup.capped'), 60_000, 200);
    const polls = new TrackerPolls(pipeline.redis);
    const at = (await polls.lastSuccess())['linear'] ?? 0;
    await waitFor('two more scans', async () => ((await polls.lastSuccess())['linear'] ?? 0) > at + 2500, 30_000, 200);

    expect(pipeline.agentLaunches()).toHaveLength(2);
    expect((await events()).filter((e) => e.type === 'followup.capped')).toHaveLength(1);
    expect(fakes.linear.issue(key).comments.filter((c) => c.includes('follow-up round'))).toHaveLength(1);
    expect(fakes.linear.issue(key).state).toBe('In Review');
    const output = pipeline.allOutput();
    for (const secret of secretForms()) expect(output).not.toContain(secret);
  });
});
