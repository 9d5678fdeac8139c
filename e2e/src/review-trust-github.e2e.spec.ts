import { TrackerPolls } from '@nightshift/state';

import { Pipeline, waitFor } from './harness';
import { scrapeMetric } from './harness/metrics';
import { E2E_SECRETS, RemoteFakes } from './remote-fakes';

const COMMENT = 'Rename the export to report.csv.\nFIX: create trusted-rename';

/**
 * Only trusted people steer the agent (issue 27): on a Nightshift PR, a comment from an outside
 * contributor (`author_association: NONE`) starts no session, never reaches a prompt and is recorded
 * as ignored; the same comment from a collaborator starts the follow-up.
 */
describe('review feedback from untrusted authors on GitHub', () => {
  const fakes = new RemoteFakes(['alpha']);
  let pipeline: Pipeline;
  beforeAll(async () => {
    await fakes.start();
    pipeline = await Pipeline.start({
      repos: fakes.repos,
      config: { ...fakes.config(), followUp: { maxRounds: 2, debounceSec: 0 } },
      env: { ...E2E_SECRETS },
    });
    fakes.useRemotes(pipeline.dir);
  });
  afterAll(async () => {
    await pipeline?.stop();
    await fakes.stop();
  });

  it("an outsider's comment is ignored and recorded; the same comment from a collaborator starts a follow-up", async () => {
    const key = fakes.linear.createIssue({
      team: 'ENG',
      title: '[alpha] export the report',
      description: 'As CSV.',
      state: 'Agent Queue',
    }).key;
    const scanner = pipeline.startAll().find((s) => s.name === 'ticket-scanner')!;
    const events = () => pipeline.events.read();
    const finished = async (n: number) =>
      (await events()).filter((e) => e.type === 'claim.released' && e.ticket === key).length >= n &&
      fakes.linear.issue(key).state === 'In Review';
    await waitFor('the first session In Review', () => finished(1), 120_000, 200);
    const [pr] = fakes.github.pulls('acme/alpha');

    fakes.github.commentAsHuman('acme/alpha', pr!.number, COMMENT, 'mallory');
    const ignored = await waitFor(
      'the outsider comment recorded as ignored',
      async () => (await events()).find((e) => e.type === 'feedback.ignored'),
      60_000,
      200,
    );
    expect(ignored).toMatchObject({
      repo: 'alpha',
      ticket: key,
      detail: expect.objectContaining({ source: 'comment', author: 'mallory', association: 'NONE', pr: pr!.url }),
    });
    expect(JSON.stringify(ignored)).not.toContain('report.csv');
    const polls = new TrackerPolls(pipeline.redis);
    const at = (await polls.lastSuccess())['linear'] ?? 0;
    await waitFor('two more scans', async () => ((await polls.lastSuccess())['linear'] ?? 0) > at + 2500, 30_000, 200);
    expect(pipeline.agentLaunches()).toHaveLength(1);
    expect((await events()).filter((e) => e.type === 'followup.started')).toHaveLength(0);
    expect((await events()).filter((e) => e.type === 'feedback.ignored')).toHaveLength(1);
    expect(fakes.linear.issue(key).state).toBe('In Review');
    expect(
      await scrapeMetric(await scanner.url, 'nightshift_feedback_ignored_total', { repo: 'alpha', source: 'comment' }),
    ).toBe(1);

    fakes.github.setAssociation('acme/alpha', 'carol', 'COLLABORATOR');
    fakes.github.commentAsHuman('acme/alpha', pr!.number, COMMENT, 'carol');
    await waitFor('the follow-up finished', () => finished(2), 120_000, 200);
    expect((await events()).filter((e) => e.type === 'followup.started')).toHaveLength(1);
    const prompt = pipeline.receivedPrompts()[1]!.prompt;
    expect(prompt).toContain('by carol');
    expect(prompt.split('Rename the export to report.csv.')).toHaveLength(2);
    expect(prompt).not.toContain('mallory');
  });
});
