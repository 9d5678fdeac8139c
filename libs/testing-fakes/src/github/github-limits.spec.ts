import { request as httpRequest } from 'node:http';

import { Octokit } from '@octokit/rest';

import { FakeGitHub, type FakeGitHubOptions } from '../index';

const TOKEN = 'ghp_limits_spec_token_0123456789';

interface OctokitError {
  status: number;
  message: string;
  response: { headers: Record<string, string>; data: { message: string; documentation_url: string } };
}

/** The real client, with neither retries nor throttling: every answer GitHub gives reaches the test. */
async function start(limits: FakeGitHubOptions['limits'] = {}) {
  const fake = new FakeGitHub({ token: TOKEN, repos: ['acme/api'], limits });
  const baseUrl = await fake.start();
  fake.createPull('acme/api', { head: 'agent/A-1', title: 'x' });
  return { fake, octokit: new Octokit({ auth: TOKEN, baseUrl }) };
}

const comment = (octokit: Octokit, n: number) =>
  octokit.rest.issues.createComment({ owner: 'acme', repo: 'api', issue_number: 1, body: `comment ${n}` });

describe("FakeGitHub enforces GitHub's primary and secondary rate limits (through Octokit)", () => {
  let fake: FakeGitHub | undefined;
  afterEach(() => fake?.stop());

  it('refuses the 81st content creation within a minute with 403, a secondary-limit message and retry-after', async () => {
    const started = await start();
    fake = started.fake;
    for (let i = 1; i <= 80; i++) expect((await comment(started.octokit, i)).status).toBe(201);
    // Reads are not content creation: they still pass.
    expect((await started.octokit.rest.pulls.get({ owner: 'acme', repo: 'api', pull_number: 1 })).status).toBe(200);
    const err = (await comment(started.octokit, 81).catch((e: unknown) => e)) as OctokitError;
    expect(err.status).toBe(403);
    expect(err.response.data.message).toMatch(/^You have exceeded a secondary rate limit/);
    expect(err.response.data.documentation_url).toMatch(/#about-secondary-rate-limits$/);
    const retryAfter = Number(err.response.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(50);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // A PR, a label and a body edit are content creation too.
    const pr = await started.octokit.rest.pulls
      .create({ owner: 'acme', repo: 'api', head: 'agent/A-2', base: 'main', title: 'y' })
      .catch((e: OctokitError) => e.status);
    expect(pr).toBe(403);
    expect(fake.issue('acme/api', 1).comments).toHaveLength(80);
    expect(fake.limiter.hits.map((h) => [h.limit, h.status])).toEqual([
      ['content-minute', 403],
      ['content-minute', 403],
    ]);
  });

  it('lets content through again once the (scaled) minute has passed, as retry-after says', async () => {
    const started = await start({ minuteMs: 1500, contentPerMinute: 3 });
    fake = started.fake;
    for (let i = 1; i <= 3; i++) await comment(started.octokit, i);
    const err = (await comment(started.octokit, 4).catch((e: unknown) => e)) as OctokitError;
    expect(err.status).toBe(403);
    const wait = Number(err.response.headers['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(2);
    await new Promise((r) => setTimeout(r, wait * 1000));
    expect((await comment(started.octokit, 4)).status).toBe(201);
  });

  it('refuses the 501st content creation within an hour, even when no minute holds 80', async () => {
    // A minute of 1 ms: the per-minute limit never binds, the hour's 500 does.
    const started = await start({ minuteMs: 1 });
    fake = started.fake;
    for (let i = 0; i < 500; i += 50)
      await Promise.all(Array.from({ length: 50 }, (_, j) => comment(started.octokit, i + j + 1)));
    const err = (await comment(started.octokit, 501).catch((e: unknown) => e)) as OctokitError;
    expect(err.status).toBe(403);
    expect(err.response.data.message).toMatch(/secondary rate limit/);
    expect(Number(err.response.headers['retry-after'])).toBeGreaterThan(3500);
    expect(fake.limiter.hits.map((h) => h.limit)).toEqual(['content-hour']);
  }, 30_000);

  it('counts the primary 5,000 requests an hour in x-ratelimit-* headers and refuses past them with remaining 0', async () => {
    const started = await start();
    fake = started.fake;
    const first = await started.octokit.rest.pulls.list({ owner: 'acme', repo: 'api' });
    expect(first.headers['x-ratelimit-limit']).toBe('5000');
    expect(first.headers['x-ratelimit-used']).toBe('1');
    const second = await started.octokit.rest.pulls.list({ owner: 'acme', repo: 'api' });
    expect(second.headers['x-ratelimit-remaining']).toBe('4998');
    const reset = Number(second.headers['x-ratelimit-reset']);
    expect(reset * 1000).toBeGreaterThan(Date.now() + 3_590_000);
    fake.limiter.drainPrimary();
    const err = (await started.octokit.rest.pulls
      .list({ owner: 'acme', repo: 'api' })
      .catch((e: unknown) => e)) as OctokitError;
    expect(err.status).toBe(403);
    expect(err.response.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(err.response.headers['x-ratelimit-reset'])).toBe(reset);
    expect(err.response.data.message).toMatch(/^API rate limit exceeded/);
  });

  it('answers 429 with retry-after to a request beyond the concurrent maximum', async () => {
    const started = await start({ maxConcurrent: 2 });
    fake = started.fake;
    const url = new URL(`${fake.baseUrl}/repos/acme/api/issues/1/comments`);
    // Two requests stay in flight: their bodies are still being sent.
    const open = [0, 1].map(() => {
      const req = httpRequest(url, {
        method: 'POST',
        headers: { authorization: `token ${TOKEN}`, 'content-type': 'application/json' },
      });
      const answered = new Promise<number>((resolve) => req.on('response', (r) => resolve(r.statusCode ?? 0)));
      req.write('{"body":');
      return { req, answered };
    });
    await new Promise((r) => setTimeout(r, 200));
    const third = (await comment(started.octokit, 3).catch((e: unknown) => e)) as OctokitError;
    expect(third.status).toBe(429);
    expect(third.response.headers['retry-after']).toBeDefined();
    for (const o of open) o.req.end('"late"}');
    expect(await Promise.all(open.map((o) => o.answered))).toEqual([201, 201]);
    expect((await comment(started.octokit, 4)).status).toBe(201);
  });
});
