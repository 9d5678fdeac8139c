import { FakeGitHub } from '../index';

describe('FakeGitHub review requests and assignees, refused as GitHub refuses them', () => {
  const fake = new FakeGitHub({ token: 'ghp_test', repos: ['acme/api'], collaborators: ['nightshift-bot', 'alice'] });
  let base: string;
  beforeAll(async () => {
    base = await fake.start();
    fake.createPull('acme/api', { head: 'agent/A-1', title: 'x' });
  });
  afterAll(() => fake.stop());
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: 'token ghp_test', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it('refuses a whole review request with one non-collaborator, or the author, or an unknown team', async () => {
    const stranger = await post('/repos/acme/api/pulls/1/requested_reviewers', { reviewers: ['alice', 'mallory'] });
    expect(stranger.status).toBe(422);
    expect(stranger.json['message']).toMatch(/^Reviews may only be requested from collaborators/);
    const author = await post('/repos/acme/api/pulls/1/requested_reviewers', { reviewers: ['nightshift-bot'] });
    expect(author).toMatchObject({
      status: 422,
      json: { message: 'Review cannot be requested from pull request author.' },
    });
    expect((await post('/repos/acme/api/pulls/1/requested_reviewers', { team_reviewers: ['ghosts'] })).status).toBe(
      422,
    );
    expect(fake.pulls()[0]!.reviewers).toEqual([]);
  });

  it('records a valid request and answers with the PR, its requested reviewers in it', async () => {
    const ok = await post('/repos/acme/api/pulls/1/requested_reviewers', { reviewers: ['alice'] });
    expect(ok.status).toBe(201);
    expect(ok.json['requested_reviewers']).toEqual([expect.objectContaining({ login: 'alice' })]);
    expect(fake.pulls()[0]!.reviewers).toEqual(['alice']);
  });

  it('silently leaves out an assignee without access, and keeps at most 10', async () => {
    const res = await post('/repos/acme/api/issues/1/assignees', { assignees: ['alice', 'eve'] });
    expect(res.status).toBe(201);
    expect((res.json['assignees'] as Array<{ login: string }>).map((a) => a.login)).toEqual(['alice']);
    const many = new FakeGitHub({
      token: 'ghp_test',
      repos: ['acme/api'],
      collaborators: Array.from({ length: 12 }, (_, i) => `dev${i}`),
    });
    const url = await many.start();
    const issue = many.createIssue('acme/api', { title: 'y' });
    await fetch(`${url}/repos/acme/api/issues/${issue}/assignees`, {
      method: 'POST',
      headers: { authorization: 'token ghp_test', 'content-type': 'application/json' },
      body: JSON.stringify({ assignees: Array.from({ length: 12 }, (_, i) => `dev${i}`) }),
    });
    const json = (await (
      await fetch(`${url}/repos/acme/api/issues/${issue}`, { headers: { authorization: 'token ghp_test' } })
    ).json()) as { assignees: unknown[] };
    await many.stop();
    expect(json.assignees).toHaveLength(10);
  });
});
