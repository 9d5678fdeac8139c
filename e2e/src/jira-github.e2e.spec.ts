import { markdownToAdf } from '@nightshift/tracker';

import { Pipeline, waitFor } from './harness';
import { E2E_SECRETS, RemoteFakes, secretForms } from './remote-fakes';

/**
 * `tracker: jira` + `forge: github` with the real jira.js and Octokit against the strict fakes: each
 * Jira issue becomes one PR, moves are workflow transitions (the fake refuses any other), a ticket
 * blocked by an open issue waits until it is done, the description reaches the agent as Markdown and
 * Nightshift's comments land as valid ADF.
 */
describe('a Jira issue becomes exactly one GitHub PR', () => {
  const fakes = new RemoteFakes(['alpha']);
  let pipeline: Pipeline;
  beforeAll(async () => {
    await fakes.start();
    pipeline = await Pipeline.start({ repos: fakes.repos, config: fakes.jiraConfig(), env: { ...E2E_SECRETS } });
    fakes.useRemotes(pipeline.dir);
  });
  afterAll(async () => {
    await pipeline?.stop();
    await fakes.stop();
  });

  it('opens one PR per issue through workflow transitions; a blocked issue waits for its blocker to be done', async () => {
    const description = markdownToAdf(
      'Fix the **parser**:\n\n- keep `tabs`\n- see [the spec](https://example.com/spec)',
    );
    const keys = [1, 2, 3].map(
      (n) =>
        fakes.jira.createIssue({ project: 'ENG', summary: `[alpha] task ${n}`, status: 'Agent Queue', description })
          .key,
    );
    const blocker = fakes.jira.createIssue({
      project: 'ENG',
      summary: '[alpha] waits for a human',
      status: 'Backlog',
    }).key;
    const blocked = fakes.jira.createIssue({
      project: 'ENG',
      summary: '[alpha] blocked task',
      status: 'Agent Queue',
    }).key;
    fakes.jira.addBlocks(blocker, blocked);
    pipeline.startAll();

    await waitFor(
      'three issues In Review with their PR linked',
      async () =>
        keys.every((k) => fakes.jira.issue(k).status === 'In Review' && fakes.jira.issue(k).comments.length > 0),
      90_000,
      200,
    );
    expect(fakes.github.pulls()).toHaveLength(3);
    for (const key of keys) {
      const pr = fakes.github.pulls().find((p) => p.head === `agent/${key}`)!;
      expect(pr.body).toContain(`${fakes.jira.url}/browse/${key}`);
      // The comment was accepted as ADF (the fake refuses anything else) and links the PR once.
      expect(fakes.jira.issue(key).comments.filter((c) => c.includes(pr.url))).toHaveLength(1);
      expect(fakes.jira.issue(key).commentDocs[0]).toMatchObject({ type: 'doc', version: 1 });
    }
    // The agent read the ADF description back as Markdown.
    const prompts = pipeline.receivedPrompts().map((p) => p.prompt);
    expect(prompts.some((p) => p.includes('Fix the **parser**:') && p.includes('- keep `tabs`'))).toBe(true);
    expect(prompts.some((p) => p.includes('[the spec](https://example.com/spec)'))).toBe(true);

    // The blocked issue waited; once its blocker is done it gets its own PR.
    expect(fakes.jira.issue(blocked).status).toBe('Agent Queue');
    expect(fakes.github.pulls().some((p) => p.head === `agent/${blocked}`)).toBe(false);
    fakes.jira.setStatus(blocker, 'Done');
    await waitFor(
      'the unblocked issue In Review',
      async () => fakes.jira.issue(blocked).status === 'In Review',
      60_000,
      200,
    );
    expect(fakes.github.pulls()).toHaveLength(4);

    // Every move was a transition the workflow offered, every request within Jira's limits.
    const refused = fakes.jira.requests.filter((r) => r.status >= 400 && r.status !== 404);
    expect(refused).toEqual([]);
    expect(fakes.jira.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/transitions')).length).toBe(8);

    const everything = [pipeline.allOutput(), JSON.stringify(await pipeline.events.read())].join('\n');
    for (const secret of secretForms()) expect(everything.includes(secret)).toBe(false);
  });
});
