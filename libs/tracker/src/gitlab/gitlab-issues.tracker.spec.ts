import { FakeGitLab } from '@nightshift/testing-fakes';

import { GitLabIssuesTracker, TrackerAuthError, TrackerRateLimitedError } from '../index';

const TOKEN = 'glpat-spec-token-0123456789';
const states = {
  queue: ['nightshift::queue'],
  inProgress: 'nightshift::in-progress',
  inReview: 'nightshift::in-review',
  done: 'nightshift::done',
  needsHuman: 'nightshift::needs-human',
};

describe('GitLabIssuesTracker against the fake GitLab API, through @gitbeaker/rest', () => {
  let fake: FakeGitLab;
  let make: (extra?: { token?: string }) => GitLabIssuesTracker;
  beforeEach(async () => {
    fake = new FakeGitLab({ token: TOKEN, projects: ['acme/alpha', 'acme/other'], requestsPerMinute: 60 });
    const baseUrl = await fake.start();
    make = (extra = {}) =>
      new GitLabIssuesTracker({
        baseUrl,
        token: extra.token ?? TOKEN,
        tokenEnv: 'GITLAB_TOKEN',
        projects: [{ project: 'acme/alpha', keyPrefix: 'AL' }],
        states,
      });
  });
  afterEach(() => fake.stop());

  it('lists queued issues oldest first over pages of 100, leaves out one blocked by an open issue, reads the RateLimit budget', async () => {
    const t0 = Date.now() - 600_000;
    for (let n = 0; n < 120; n += 1)
      fake.createIssue({
        project: 'acme/alpha',
        title: `task ${n}`,
        labels: ['nightshift::queue', 'Backend'],
        createdAt: t0 + n,
      });
    const blocker = fake.createIssue({ project: 'acme/alpha', title: 'blocker', labels: ['nightshift::in-progress'] });
    fake.createIssue({
      project: 'acme/alpha',
      title: 'waits',
      description: `Blocked by #${blocker.iid}`,
      labels: ['nightshift::queue'],
    });
    const tracker = make();
    fake.requests.length = 0;
    const tickets = await tracker.listByStates(states.queue);
    expect(tickets).toHaveLength(120);
    expect(tickets[0]).toMatchObject({ key: 'AL-1', state: 'nightshift::queue', labels: ['backend'] });
    // Two pages of the queue label, then the blockers in one listing by iid.
    expect(fake.requests.map((r) => r.path)).toEqual([
      '/api/v4/projects/acme%2Falpha/issues',
      '/api/v4/projects/acme%2Falpha/issues',
      '/api/v4/projects/acme%2Falpha/issues',
    ]);
    expect(fake.requests[2]!.detail).toContain(`iids%5B%5D=${blocker.iid}`);
    expect(tracker.budget()).toEqual([expect.objectContaining({ kind: 'requests', limit: 60, remaining: 57 })]);
    fake.close('acme/alpha', blocker.iid);
    expect(await tracker.listByStates(states.queue)).toHaveLength(121);
  });

  it('moves by swapping the scoped state label in one edit; done closes the issue; notes are comments', async () => {
    const issue = fake.createIssue({ project: 'acme/alpha', title: 'x', labels: ['nightshift::queue', 'keep-me'] });
    const tracker = make();
    await tracker.moveTo(`AL-${issue.iid}`, states.inProgress);
    expect(fake.issue('acme/alpha', issue.iid).labels).toEqual(['keep-me', 'nightshift::in-progress']);
    await tracker.comment(`AL-${issue.iid}`, 'Opened !1');
    await tracker.moveTo(`AL-${issue.iid}`, states.done);
    expect(fake.issue('acme/alpha', issue.iid)).toMatchObject({
      state: 'closed',
      labels: ['keep-me', 'nightshift::done'],
    });
    const ticket = await tracker.getTicket(`AL-${issue.iid}`);
    expect(ticket).toMatchObject({ state: states.done, comments: [expect.objectContaining({ body: 'Opened !1' })] });
    expect(await tracker.statesOf([`AL-${issue.iid}`, 'AL-999'])).toEqual(new Map([[`AL-${issue.iid}`, states.done]]));
  });

  it("stops at GitLab's 429 until Retry-After instead of gitbeaker's ten blind retries", async () => {
    fake.createIssue({ project: 'acme/alpha', title: 'x', labels: ['nightshift::queue'] });
    const tracker = make();
    for (let n = 0; n < 60; n += 1) await tracker.listByStates(states.queue);
    const started = Date.now();
    const err = (await tracker.listByStates(states.queue).catch((e: unknown) => e)) as TrackerRateLimitedError;
    expect(err).toBeInstanceOf(TrackerRateLimitedError);
    expect(Date.now() - started).toBeLessThan(2_000);
    const seen = fake.requests.length;
    await expect(tracker.listByStates(states.queue)).rejects.toBeInstanceOf(TrackerRateLimitedError);
    expect(fake.requests.length).toBe(seen);
  });

  it('a wrong token is an auth error naming the variable', async () => {
    const err = (await make({ token: 'glpat-wrong' })
      .listByStates(states.queue)
      .catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(TrackerAuthError);
    expect(err.message).toContain('GITLAB_TOKEN');
    expect(err.message).not.toContain('glpat-wrong');
  });
});
