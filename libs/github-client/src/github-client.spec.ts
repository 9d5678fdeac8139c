import { FakeGitHub } from '@nightshift/testing-fakes';

import { classifyGitHubError, createGitHubClient, isContentCreation, splitRepo } from './index';

const TOKEN = 'ghp_client_spec_token_0123456789';

describe('createGitHubClient against the fake GitHub API', () => {
  let fake: FakeGitHub;
  let baseUrl: string;
  beforeEach(async () => {
    fake = new FakeGitHub({ token: TOKEN, repos: ['acme/api'] });
    baseUrl = await fake.start();
  });
  afterEach(() => fake.stop());

  it('retries 5xx answers and then succeeds', async () => {
    const client = createGitHubClient({ token: TOKEN, baseUrl, retries: 3, retryBaseMs: 5 });
    fake.failWith({ kind: 'server_error', times: 2 });
    const res = await client.rest.pulls.list({ owner: 'acme', repo: 'api' });
    expect(res.status).toBe(200);
    expect(fake.requests.map((r) => r.status)).toEqual([502, 502, 200]);
  });

  it('waits out a short secondary rate limit once, and surfaces a long one with its reset time', async () => {
    const client = createGitHubClient({ token: TOKEN, baseUrl, maxRateLimitWaitSec: 1 });
    fake.failWith({ kind: 'secondary_rate_limited', times: 1, resetInSec: 1 });
    expect((await client.rest.pulls.list({ owner: 'acme', repo: 'api' })).status).toBe(200);
    fake.failWith({ kind: 'rate_limited', times: 1, resetInSec: 300 });
    const err = await client.rest.pulls.list({ owner: 'acme', repo: 'api' }).catch((e: unknown) => e);
    const failure = classifyGitHubError(err);
    expect(failure.kind).toBe('rate_limited');
    expect(failure.retryAt! - Date.now()).toBeGreaterThan(200_000);
  });

  it('classifies bad credentials, missing repos and validation errors without quoting the token', async () => {
    const bad = createGitHubClient({ token: 'ghp_bad_token_0000000000', baseUrl });
    const auth = classifyGitHubError(
      await bad.rest.pulls.list({ owner: 'acme', repo: 'api' }).catch((e: unknown) => e),
    );
    expect(auth).toMatchObject({ kind: 'auth', status: 401, message: 'Bad credentials' });
    const client = createGitHubClient({ token: TOKEN, baseUrl, writeIntervalMs: 0 });
    expect(
      classifyGitHubError(await client.rest.pulls.list({ owner: 'acme', repo: 'nope' }).catch((e: unknown) => e)).kind,
    ).toBe('not_found');
    await client.rest.pulls.create({ owner: 'acme', repo: 'api', head: 'b', base: 'main', title: 't' });
    const dup = classifyGitHubError(
      await client.rest.pulls
        .create({ owner: 'acme', repo: 'api', head: 'b', base: 'main', title: 't' })
        .catch((e: unknown) => e),
    );
    expect(dup).toMatchObject({ kind: 'invalid', status: 422, details: ['A pull request already exists for acme:b.'] });
    expect(JSON.stringify([auth, dup])).not.toContain('ghp_');
  });

  it('splits owner/name and refuses anything else', () => {
    expect(splitRepo('acme/api')).toEqual({ owner: 'acme', repo: 'api' });
    expect(() => splitRepo('acme')).toThrow(/owner\/name/);
  });

  it('counts as content creation what GitHub limits to 80 a minute: PRs, comments, labels, review requests, edits', () => {
    for (const [method, url] of [
      ['POST', '/repos/{owner}/{repo}/pulls'],
      ['POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
      ['POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels'],
      ['POST', '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers'],
      ['PATCH', '/repos/{owner}/{repo}/pulls/{pull_number}'],
      ['POST', 'https://api.github.com/repos/acme/api/issues/7/comments'],
    ])
      expect([method, url, isContentCreation(method!, url!)]).toEqual([method, url, true]);
    for (const [method, url] of [
      ['GET', '/repos/{owner}/{repo}/pulls'],
      ['DELETE', '/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}'],
      ['GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
    ])
      expect([method, url, isContentCreation(method!, url!)]).toEqual([method, url, false]);
  });
});
