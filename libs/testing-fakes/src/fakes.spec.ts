import { FakeGitHub, FakeLinear } from './index';

async function gql(
  url: string,
  key: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ status: number; json: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: key },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, json: await res.json() };
}

describe('FakeLinear', () => {
  const fake = new FakeLinear({ apiKey: 'lin_api_test', teams: ['ENG'] });
  let url: string;
  beforeAll(async () => {
    url = await fake.start();
    for (let i = 0; i < 5; i++) fake.createIssue({ team: 'ENG', title: `t${i}`, labels: ['Bug'] });
  });
  afterAll(() => fake.stop());

  it('pages issues with cursors and logs one request per page', async () => {
    fake.requests.length = 0;
    const q =
      'query Page($after: String) { issues(first: 2, after: $after) { nodes { identifier labels { nodes { name } } } pageInfo { hasNextPage endCursor } } }';
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const { json } = await gql(url, 'lin_api_test', q, { after });
      seen.push(...json.data.issues.nodes.map((n: { identifier: string }) => n.identifier));
      after = json.data.issues.pageInfo.hasNextPage ? json.data.issues.pageInfo.endCursor : null;
    } while (after);
    expect(seen.sort()).toEqual(['ENG-1', 'ENG-2', 'ENG-3', 'ENG-4', 'ENG-5']);
    expect(fake.requests.map((r) => r.detail)).toEqual(['Page', 'Page', 'Page']);
  });

  it('rejects a field Linear does not have, a wrong key, and answers armed faults', async () => {
    expect((await gql(url, 'lin_api_test', '{ issues { nodes { nope } } }')).status).toBe(400);
    expect((await gql(url, 'wrong', '{ teams { nodes { key } } }')).status).toBe(401);
    fake.failWith({ kind: 'rate_limited', times: 1 });
    const limited = await gql(url, 'lin_api_test', '{ teams { nodes { key } } }');
    expect(limited.json.errors[0].extensions.code).toBe('RATELIMITED');
    expect((await gql(url, 'lin_api_test', '{ teams { nodes { key } } }')).json.data.teams.nodes).toEqual([
      { key: 'ENG' },
    ]);
  });
});

describe('FakeGitHub', () => {
  const fake = new FakeGitHub({ token: 'ghp_test', repos: ['acme/api'] });
  let base: string;
  beforeAll(async () => {
    base = await fake.start();
  });
  afterAll(() => fake.stop());
  const call = (method: string, path: string, body?: unknown, token = 'ghp_test') =>
    fetch(`${base}${path}`, {
      method,
      headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });

  it('creates a PR, refuses a second one for the same head, and finds it by owner:branch', async () => {
    expect((await call('POST', '/repos/acme/api/pulls', { title: 'x', head: 'agent/A-1', base: 'main' })).status).toBe(
      201,
    );
    const again = await call('POST', '/repos/acme/api/pulls', { title: 'x', head: 'agent/A-1', base: 'main' });
    expect(again.status).toBe(422);
    expect(JSON.stringify(await again.json())).toContain('A pull request already exists for acme:agent/A-1');
    const found = (await (await call('GET', '/repos/acme/api/pulls?state=open&head=acme:agent/A-1')).json()) as Array<{
      number: number;
    }>;
    expect(found.map((p) => p.number)).toEqual([1]);
  });

  it('answers 401 for a bad token, 404 for an unknown repo, and armed faults', async () => {
    expect((await call('GET', '/repos/acme/api/pulls', undefined, 'bad')).status).toBe(401);
    expect((await call('GET', '/repos/acme/nope/pulls')).status).toBe(404);
    fake.failWith({ kind: 'server_error', times: 1 });
    expect((await call('GET', '/repos/acme/api/pulls')).status).toBe(502);
    expect((await call('GET', '/repos/acme/api/pulls')).status).toBe(200);
  });

  it('paginates issues with a Link header', async () => {
    for (let i = 0; i < 3; i++) fake.createIssue('acme/api', { title: `i${i}`, labels: ['agent-queue'] });
    const res = await call('GET', '/repos/acme/api/issues?labels=agent-queue&per_page=2');
    expect(res.headers.get('link')).toContain('rel="next"');
    expect(((await res.json()) as unknown[]).length).toBe(2);
  });

  it('serves review feedback as GitHub does: repo-wide line comments paged at most 100, a bad since refused, reviews of a missing PR 404, check runs by head SHA', async () => {
    const pr = fake.createPull('acme/api', { head: 'agent/R-1', title: 'R-1' });
    for (let i = 0; i < 105; i++) fake.addReviewComment('acme/api', pr.number, { path: 'a.ts', body: `c${i}` });
    const page = await call('GET', '/repos/acme/api/pulls/comments?per_page=500');
    expect(((await page.json()) as unknown[]).length).toBe(100);
    expect(page.headers.get('link')).toContain('rel="next"');
    expect((await call('GET', '/repos/acme/api/pulls/comments?since=yesterday')).status).toBe(422);
    expect((await call('GET', '/repos/acme/api/pulls/999/reviews')).status).toBe(404);
    fake.addCheckRun('acme/api', pr.number, { name: 'unit', conclusion: 'failure' });
    const sha = ((await (await call('GET', `/repos/acme/api/pulls/${pr.number}`)).json()) as { head: { sha: string } })
      .head.sha;
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    const runs = (await (await call('GET', `/repos/acme/api/commits/${sha}/check-runs`)).json()) as {
      total_count: number;
      check_runs: Array<{ name: string; conclusion: string }>;
    };
    expect(runs).toMatchObject({ total_count: 1, check_runs: [{ name: 'unit', conclusion: 'failure' }] });
    expect(
      (
        (await (await call('GET', `/repos/acme/api/commits/${'f'.repeat(40)}/check-runs`)).json()) as {
          total_count: number;
        }
      ).total_count,
    ).toBe(0);
  });
});
