import { Version3Client } from 'jira.js';

import { FakeJira } from './fake-jira';

const EMAIL = 'bot@example.com';
const TOKEN = 'fake-jira-spec-token';

/** The status and Jira's own words of a failed jira.js call. */
async function refusal(
  p: Promise<unknown>,
): Promise<{ status: number; body: unknown; headers: Record<string, string> }> {
  const err = (await p.then(
    () => {
      throw new Error('expected Jira to refuse the request');
    },
    (e: unknown) => e,
  )) as { cause?: { response?: { status: number; data: unknown; headers: Record<string, string> } } };
  const r = err.cause!.response!;
  return { status: r.status, body: r.data, headers: r.headers };
}

describe('FakeJira refuses what Jira Cloud refuses (driven by jira.js)', () => {
  let fake: FakeJira;
  let jira: Version3Client;
  beforeEach(async () => {
    fake = new FakeJira({ email: EMAIL, apiToken: TOKEN, projects: ['ENG'], limits: { burstPerEndpoint: 5 } });
    jira = new Version3Client({
      host: await fake.start(),
      authentication: { basic: { email: EMAIL, apiToken: TOKEN } },
    });
  });
  afterEach(() => fake.stop());

  const search = (jql: string, extra: Record<string, unknown> = {}) =>
    jira.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql, fields: ['status'], ...extra });

  it('refuses JQL outside the subset, unbounded queries and unknown projects with errorMessages', async () => {
    expect(await refusal(search('status = "Done"'))).toMatchObject({
      status: 400,
      body: {
        errorMessages: ['Unbounded JQL queries are not allowed here. Please add a search restriction to your query.'],
      },
    });
    expect((await refusal(search('project = NOPE'))).body).toEqual({
      errorMessages: ["The value 'NOPE' does not exist for the field 'project'."],
      errors: {},
    });
    expect((await refusal(search('project = ENG AND sprint = 3'))).status).toBe(400);
    expect((await refusal(search('project = ENG AND updated >= "yesterday"'))).status).toBe(400);
  });

  it('pages by nextPageToken (at most 100 issues a page with fields), returns only id and key without fields, and refuses a token from another query', async () => {
    for (let n = 0; n < 120; n += 1) fake.createIssue({ project: 'ENG', summary: `issue ${n}`, status: 'Agent Queue' });
    const first = await search('project = ENG ORDER BY created ASC', { maxResults: 500 });
    expect(first.issues).toHaveLength(100);
    expect(first.nextPageToken).toEqual(expect.any(String));
    const second = await search('project = ENG ORDER BY created ASC', {
      maxResults: 500,
      nextPageToken: first.nextPageToken,
    });
    expect(second.issues).toHaveLength(20);
    expect(second.nextPageToken).toBeUndefined();
    const bare = await jira.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({
      jql: 'project = ENG',
      maxResults: 1,
    });
    expect(Object.keys(bare.issues![0]!)).toEqual(['id', 'key']);
    expect(
      (await refusal(search('project = ENG AND status = "Done"', { nextPageToken: first.nextPageToken }))).body,
    ).toMatchObject({
      errorMessages: ['The provided next page token is invalid or expired.'],
    });
  });

  it('offers and runs a transition only from the statuses the workflow allows it from', async () => {
    const issue = fake.createIssue({ project: 'ENG', summary: 'x', status: 'Backlog' });
    const { transitions } = await jira.issues.getTransitions({ issueIdOrKey: issue.key });
    expect(transitions!.map((t) => t.to?.name)).toEqual(['Agent Queue']);
    // "Submit for review" (31) exists, but not from Backlog.
    expect(
      (await refusal(jira.issues.doTransition({ issueIdOrKey: issue.key, transition: { id: '31' } }))).body,
    ).toMatchObject({
      errorMessages: ["Transition id '31' is not valid for this issue."],
    });
    await jira.issues.doTransition({ issueIdOrKey: issue.key, transition: { id: '11' } });
    expect(fake.issue(issue.key).status).toBe('Agent Queue');
  });

  it('refuses a comment that is not a valid ADF document, and a label with a space', async () => {
    const issue = fake.createIssue({ project: 'ENG', summary: 'x' });
    const emptyText = {
      type: 'doc',
      version: 1,
      content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }],
    };
    expect(
      (await refusal(jira.issueComments.addComment({ issueIdOrKey: issue.key, comment: emptyText as never }))).status,
    ).toBe(400);
    const unknownNode = { type: 'doc', version: 1, content: [{ type: 'markdown', text: '**x**' }] };
    expect(
      (await refusal(jira.issueComments.addComment({ issueIdOrKey: issue.key, comment: unknownNode as never }))).body,
    ).toMatchObject({
      errors: { comment: "Unknown node type 'markdown' inside 'doc'" },
    });
    expect(
      (await refusal(jira.issues.editIssue({ issueIdOrKey: issue.key, update: { labels: [{ add: 'a b' }] } }))).status,
    ).toBe(400);
    expect(fake.issue(issue.key).comments).toEqual([]);
  });

  it('answers past the burst limit of one endpoint with 429, Retry-After and RateLimit-Reason; other endpoints still answer', async () => {
    const issue = fake.createIssue({ project: 'ENG', summary: 'x' });
    for (let n = 0; n < 5; n += 1) await search('project = ENG');
    const limited = await refusal(search('project = ENG'));
    expect(limited.status).toBe(429);
    expect(limited.headers).toMatchObject({ 'retry-after': '1', 'ratelimit-reason': 'jira-burst-based' });
    expect(limited.headers['x-ratelimit-reset']).toEqual(expect.any(String));
    await jira.issues.getIssue({ issueIdOrKey: issue.key, fields: ['status'] });
  });

  it('answers past the per-issue write limit with jira-per-issue-on-write', async () => {
    fake =
      (await fake.stop(),
      new FakeJira({ email: EMAIL, apiToken: TOKEN, projects: ['ENG'], limits: { writesPerIssue: 2 } }));
    jira = new Version3Client({
      host: await fake.start(),
      authentication: { basic: { email: EMAIL, apiToken: TOKEN } },
    });
    const issue = fake.createIssue({ project: 'ENG', summary: 'x' });
    await jira.issueComments.addComment({ issueIdOrKey: issue.key, comment: 'one' });
    await jira.issueComments.addComment({ issueIdOrKey: issue.key, comment: 'two' });
    const limited = await refusal(jira.issueComments.addComment({ issueIdOrKey: issue.key, comment: 'three' }));
    expect(limited.headers['ratelimit-reason']).toBe('jira-per-issue-on-write');
  });

  it('refuses a wrong token with 401', async () => {
    const wrong = new Version3Client({ host: fake.url, authentication: { basic: { email: EMAIL, apiToken: 'nope' } } });
    expect((await refusal(wrong.myself.getCurrentUser())).status).toBe(401);
  });
});
