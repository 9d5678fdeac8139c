import { createGitHubClient } from '@nightshift/github-client';
import { ContentBucket } from '@nightshift/state';
import { FakeGitHub, useTestRedis } from '@nightshift/testing-fakes';
import { Redis } from 'ioredis';

import { GitHubForge } from '../index';

const TOKEN = 'ghp_pacing_spec_token_0123456789';
// GitHub's windows scaled down so the spec runs in seconds: a "minute" of 2 s, an "hour" of 20 s; the limits stay 80 and 500.
const MINUTE_MS = 2_000;
const HOUR_MS = 20_000;
const testRedis = useTestRedis();

describe("GitHubForge paces content creation under GitHub's secondary limits, with one bucket shared through Redis", () => {
  let fake: FakeGitHub;
  let baseUrl: string;
  const connections: Redis[] = [];
  beforeEach(async () => {
    fake = new FakeGitHub({ token: TOKEN, repos: ['acme/api'], limits: { minuteMs: MINUTE_MS, hourMs: HOUR_MS } });
    baseUrl = await fake.start();
  });
  afterEach(async () => {
    await fake.stop();
    for (const c of connections.splice(0)) c.disconnect();
  });

  /** One host: its own Redis connection and Octokit, the token's bucket in the shared Redis. */
  const host = (paced = true) => {
    const redis = new Redis(testRedis.url, { maxRetriesPerRequest: null });
    connections.push(redis);
    const bucket = new ContentBucket(redis, 'github:GITHUB_TOKEN', [
      { max: 80, windowMs: MINUTE_MS },
      { max: 500, windowMs: HOUR_MS },
    ]);
    return new GitHubForge({
      client: createGitHubClient({
        token: TOKEN,
        baseUrl,
        writeIntervalMs: 0,
        retries: 0,
        // A refusal must reach the test, not be waited out by the throttling plugin.
        maxRateLimitWaitSec: 0,
        contentPacer: paced ? bucket : undefined,
      }),
      token: TOKEN,
      repos: { api: 'acme/api' },
      labels: ['nightshift'],
    });
  };
  const burst = (hosts: GitHubForge[], n: number) =>
    Promise.allSettled(
      Array.from({ length: n }, (_, i) =>
        hosts[i % hosts.length]!.findOrCreatePr({
          repo: 'api',
          head: `agent/ENG-${i + 1}`,
          base: 'main',
          title: `ENG-${i + 1}: do it`,
          body: 'Opened by Nightshift.',
          tickets: [`ENG-${i + 1}`],
        }),
      ),
    );

  it('opens 100 labelled PRs in a burst from 4 hosts (200 content creations) and meets no refusal', async () => {
    const results = await burst([host(), host(), host(), host()], 100);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(fake.pulls()).toHaveLength(100);
    expect(fake.pulls().every((p) => p.labels.includes('nightshift'))).toBe(true);
    expect(fake.limiter.hits).toEqual([]);
    expect(fake.requests.filter((r) => r.status === 403 || r.status === 429)).toEqual([]);
  }, 60_000);

  it('the same burst without the bucket is refused by GitHub (the limit the bucket keeps under is real)', async () => {
    const results = await burst([host(false), host(false), host(false), host(false)], 100);
    expect(results.filter((r) => r.status === 'rejected').length).toBeGreaterThan(0);
    expect(fake.limiter.hits.map((h) => h.limit)).toContain('content-minute');
  }, 60_000);

  it("coalesces a PR's body edits made while one waits for the bucket: GitHub gets the first and the latest", async () => {
    const forge = host();
    const { pr } = await forge.findOrCreatePr({
      repo: 'api',
      head: 'agent/ENG-1',
      base: 'main',
      title: 'ENG-1: do it',
      body: 'x',
      tickets: ['ENG-1'],
    });
    // Spend the burst so every edit waits its turn.
    const drain = new ContentBucket(connections[0]!, 'github:GITHUB_TOKEN', [
      { max: 80, windowMs: MINUTE_MS },
      { max: 500, windowMs: HOUR_MS },
    ]);
    while ((await drain.tryTake()) === 0);
    const before = fake.requests.filter((r) => r.method === 'PATCH').length;
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        forge.updatePr('api', pr.number, { title: `push ${n}`, body: `body ${n}`, tickets: ['ENG-1'] }),
      ),
    );
    expect(fake.requests.filter((r) => r.method === 'PATCH').length - before).toBe(2);
    expect(fake.pulls()[0]).toMatchObject({ title: 'push 5' });
    expect(fake.pulls()[0]!.body).toMatch(/^body 5\n/);
  }, 30_000);
});
