import { FakeJira } from '@nightshift/testing-fakes';

import {
  adfToMarkdown,
  DEFAULT_WORKFLOW_STATES,
  JiraTracker,
  type JiraTrackerOptions,
  markdownToAdf,
  TrackerAuthError,
  TrackerRateLimitedError,
  TrackerRequestError,
  type TrackerTicket,
} from '../index';

const EMAIL = 'bot@example.com';
const TOKEN = 'jira-spec-token-0123456789';

describe('JiraTracker against the fake Jira Cloud API, through jira.js', () => {
  let fake: FakeJira;
  let make: (extra?: Partial<JiraTrackerOptions>) => JiraTracker;
  beforeEach(async () => {
    fake = new FakeJira({ email: EMAIL, apiToken: TOKEN, projects: ['ENG', 'OPS', 'OTHER'] });
    const baseUrl = await fake.start();
    make = (extra = {}) =>
      new JiraTracker({
        baseUrl,
        email: EMAIL,
        apiToken: TOKEN,
        tokenEnv: 'JIRA_API_TOKEN',
        projects: ['ENG', 'OPS'],
        states: DEFAULT_WORKFLOW_STATES,
        ...extra,
      });
  });
  afterEach(() => fake.stop());

  it('lists unblocked candidates by priority then age over nextPageToken pages with narrow fields; the next scan asks only updated >=', async () => {
    // Created ten minutes ago: after the first scan, only what changes since is read again.
    const t0 = Date.now() - 600_000;
    const old = fake.createIssue({
      project: 'ENG',
      summary: 'old',
      status: 'Agent Queue',
      labels: ['Backend'],
      created: t0,
    });
    const urgent = fake.createIssue({
      project: 'OPS',
      summary: 'urgent',
      status: 'Agent Queue',
      priority: 'Highest',
      created: t0 + 1,
    });
    const low = fake.createIssue({
      project: 'ENG',
      summary: 'low',
      status: 'Agent Queue',
      priority: 'Low',
      created: t0 + 2,
    });
    fake.createIssue({ project: 'ENG', summary: 'not queued', status: 'Backlog', created: t0 + 3 });
    fake.createIssue({ project: 'OTHER', summary: 'other project', status: 'Agent Queue', created: t0 + 4 });
    const blocker = fake.createIssue({ project: 'ENG', summary: 'blocker', status: 'In Progress', created: t0 + 5 });
    const blocked = fake.createIssue({ project: 'ENG', summary: 'blocked', status: 'Agent Queue', created: t0 + 6 });
    fake.addBlocks(blocker.key, blocked.key);
    fake.store.find(blocked.key)!.updated = t0 + 6;
    const tracker = make({ pageSize: 2 });

    fake.requests.length = 0;
    const tickets = (await tracker.listByStates(['Agent Queue'])) as TrackerTicket[];
    expect(tickets.map((t) => t.key)).toEqual([urgent.key, old.key, low.key]);
    expect(tickets.find((t) => t.key === old.key)).toMatchObject({
      labels: ['backend'],
      priority: 3,
      url: `${fake.url}/browse/${old.key}`,
    });
    // 6 issues in configured statuses, pages of 2: three search requests, nothing else.
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(Array(3).fill('POST /rest/api/3/search/jql'));
    expect(fake.searches.at(-1)).toEqual({
      jql: 'project in ("ENG", "OPS") AND status in ("Agent Queue", "In Progress", "In Review", "Needs Human", "Done") ORDER BY created ASC',
      fields: ['summary', 'status', 'labels', 'priority', 'created', 'updated', 'issuelinks'],
    });

    fake.requests.length = 0;
    fake.setStatus(blocker.key, 'Done');
    const second = await tracker.listByStates(['Agent Queue']);
    // Medium (the default) before Low; among Medium, oldest first.
    expect(second.map((t) => t.key)).toEqual([urgent.key, old.key, blocked.key, low.key]);
    // Only what changed since the last scan (the blocker) was read: one page.
    expect(fake.requests.map((r) => r.detail)).toEqual([
      'project in ("ENG", "OPS") AND updated >= "-2m" ORDER BY created ASC',
    ]);
  });

  it('leaves a ticket out while its "is blocked by" issue in another project is open, and reads that blocker in one bulk fetch', async () => {
    // Last changed ten minutes ago: the next scan's `updated >=` delta does not read it again.
    const created = Date.now() - 600_000;
    const blocker = fake.createIssue({ project: 'OTHER', summary: 'elsewhere', status: 'In Progress', created });
    const blocked = fake.createIssue({ project: 'ENG', summary: 'waits', status: 'Agent Queue', created });
    fake.addBlocks(blocker.key, blocked.key);
    fake.store.find(blocked.key)!.updated = created;
    const tracker = make();
    expect(await tracker.listByStates(['Agent Queue'])).toEqual([]);
    fake.setStatus(blocker.key, 'Done');
    fake.requests.length = 0;
    expect((await tracker.listByStates(['Agent Queue'])).map((t) => t.key)).toEqual([blocked.key]);
    expect(fake.requests.map((r) => r.path)).toEqual(['/rest/api/3/search/jql', '/rest/api/3/issue/bulkfetch']);
  });

  it('moves a ticket by the workflow transition that leads to the state; a move already made is a no-op', async () => {
    const issue = fake.createIssue({ project: 'ENG', summary: 'move me', status: 'Agent Queue' });
    const tracker = make();
    await tracker.moveTo(issue.key, 'In Progress');
    await tracker.moveTo(issue.key, 'In Review');
    expect(fake.issue(issue.key).status).toBe('In Review');
    fake.requests.length = 0;
    await tracker.moveTo(issue.key, 'In Review');
    expect(fake.requests.map((r) => r.method)).toEqual(['GET']);
  });

  it('refuses a move the workflow has no transition for, naming the workflow, the current status and what it offers', async () => {
    const issue = fake.createIssue({ project: 'ENG', summary: 'in backlog', status: 'Backlog' });
    const tracker = make();
    const err = await tracker.moveTo(issue.key, 'In Review').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrackerRequestError);
    expect((err as Error).message).toContain(
      'the workflow "Nightshift Software Workflow" has no transition from "Backlog" to "In Review"',
    );
    expect((err as Error).message).toContain('"Queue for agent" → "Agent Queue"');
    expect(fake.issue(issue.key).status).toBe('Backlog');
  });

  it('writes comments as ADF and reads description and comments back as Markdown (round trip)', async () => {
    const markdown =
      '## Result\n\nOpened **PR** [#7](https://example.com/pr/7) for `ENG-1`:\n\n- tests pass\n- *lint* clean\n\n```ts\nconst a = 1;\n```';
    const issue = fake.createIssue({
      project: 'ENG',
      summary: 'round trip',
      status: 'Agent Queue',
      description: markdownToAdf('Fix the **bug**'),
    });
    const tracker = make();
    await tracker.comment(issue.key, markdown);
    expect(fake.issue(issue.key).commentDocs[0]).toMatchObject({ type: 'doc', version: 1 });
    const ticket = await tracker.getTicket(issue.key);
    expect(ticket?.description).toBe('Fix the **bug**');
    expect(ticket?.comments.map((c) => c.body)).toEqual([markdown]);
    expect(adfToMarkdown(markdownToAdf(markdown))).toBe(markdown);
  });

  it('adds labels (spaces become dashes: Jira refuses them) and reports statuses of known keys only', async () => {
    const a = fake.createIssue({ project: 'ENG', summary: 'a', status: 'Agent Queue' });
    const tracker = make();
    await tracker.addLabel(a.key, 'needs triage');
    expect(fake.issue(a.key).labels).toEqual(['needs-triage']);
    expect(await tracker.statesOf([a.key, 'ENG-999'])).toEqual(new Map([[a.key, 'Agent Queue']]));
    expect(await tracker.getTicket('ENG-999')).toBeNull();
  });

  it("backs off the scope a 429's RateLimit-Reason names until Retry-After, and counts every request for the poll share", async () => {
    const a = fake.createIssue({ project: 'ENG', summary: 'a', status: 'Agent Queue' });
    const b = fake.createIssue({ project: 'ENG', summary: 'b', status: 'Agent Queue' });
    const tracker = make({ requestsPerHour: 1234 });
    fake.rateLimitNext({ match: /comment$/, reason: 'jira-per-issue-on-write', retryAfterSec: 30 });
    await expect(tracker.comment(a.key, 'one')).rejects.toBeInstanceOf(TrackerRateLimitedError);
    // Writes to that issue wait locally (no request); another issue and reads go on.
    const before = fake.requests.length;
    const err = (await tracker.comment(a.key, 'two').catch((e: unknown) => e)) as TrackerRateLimitedError;
    expect(err).toBeInstanceOf(TrackerRateLimitedError);
    expect(err.retryAt).toBeGreaterThan(Date.now() + 25_000);
    expect(fake.requests.length).toBe(before);
    await tracker.comment(b.key, 'fine');
    expect((await tracker.listByStates(['Agent Queue'])).length).toBe(2);

    fake.rateLimitNext({ match: /search/, reason: 'jira-burst-based', retryAfterSec: 20 });
    await expect(tracker.listByStates(['Agent Queue'])).rejects.toBeInstanceOf(TrackerRateLimitedError);
    await expect(tracker.listByStates(['Agent Queue'])).rejects.toBeInstanceOf(TrackerRateLimitedError);
    await tracker.comment(b.key, 'other endpoints go on');
    expect(tracker.usage()).toEqual({
      requests: fake.requests.length,
      points: 0,
      budget: { requestsPerHour: 1234, pointsPerHour: 0 },
    });
  });

  it('a wrong token is an auth error naming the variable, never the token', async () => {
    const tracker = make({ apiToken: 'wrong-token-value' });
    const err = (await tracker.listByStates(['Agent Queue']).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(TrackerAuthError);
    expect(err.message).toContain('JIRA_API_TOKEN');
    expect(err.message).not.toContain('wrong-token-value');
  });
});

describe('JiraTracker.checkAccess (nightshift doctor)', () => {
  it("names a permission the account lacks and a configured status the project's workflows do not have", async () => {
    const fake = new FakeJira({
      email: EMAIL,
      apiToken: TOKEN,
      projects: ['ENG'],
      permissions: ['BROWSE_PROJECTS', 'ADD_COMMENTS', 'EDIT_ISSUES'],
    });
    const baseUrl = await fake.start();
    try {
      const tracker = (states = DEFAULT_WORKFLOW_STATES) =>
        new JiraTracker({
          baseUrl,
          email: EMAIL,
          apiToken: TOKEN,
          tokenEnv: 'JIRA_API_TOKEN',
          projects: ['ENG'],
          states,
        });
      expect(await tracker({ ...DEFAULT_WORKFLOW_STATES, inReview: 'Code Review' }).checkAccess()).toEqual([
        "ENG: the token's account lacks TRANSITION_ISSUES (grant them in the project's permission scheme)",
        'ENG: no status "Code Review" in its workflows (add them, or map tracker.states to existing statuses)',
      ]);
    } finally {
      await fake.stop();
    }
  });

  it('finds nothing wrong when the account has every permission and every status exists', async () => {
    const fake = new FakeJira({ email: EMAIL, apiToken: TOKEN, projects: ['ENG'] });
    const baseUrl = await fake.start();
    try {
      const tracker = new JiraTracker({
        baseUrl,
        email: EMAIL,
        apiToken: TOKEN,
        tokenEnv: 'JIRA_API_TOKEN',
        projects: ['ENG'],
        states: DEFAULT_WORKFLOW_STATES,
      });
      expect(await tracker.checkAccess()).toEqual([]);
    } finally {
      await fake.stop();
    }
  });
});
