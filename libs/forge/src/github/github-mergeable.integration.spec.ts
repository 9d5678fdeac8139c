import { createGitHubClient } from '@nightshift/github-client';
import { FakeGitHub } from '@nightshift/testing-fakes';

import { GitHubForge } from '../index';

const TOKEN = 'ghp_mergeable_spec_token_0123456789';

describe('GitHubForge.mergeability against the fake GitHub API (real Octokit)', () => {
  let fake: FakeGitHub;
  let forge: GitHubForge;
  beforeEach(async () => {
    fake = new FakeGitHub({ token: TOKEN, repos: ['acme/api'] });
    const baseUrl = await fake.start();
    forge = new GitHubForge({
      client: createGitHubClient({ token: TOKEN, baseUrl, writeIntervalMs: 0, retryBaseMs: 5, retries: 0 }),
      token: TOKEN,
      repos: { api: 'acme/api' },
    });
  });
  afterEach(() => fake.stop());

  const reads = (n: number) =>
    fake.requests.filter((r) => r.method === 'GET' && r.path === `/repos/acme/api/pulls/${n}`);

  it('asks again after a moment while GitHub computes mergeable lazily (null first), then reads the value', async () => {
    const pr = fake.createPull('acme/api', { head: 'agent/ENG-1', title: 'ENG-1' });
    fake.setMergeability('acme/api', pr.number, 'dirty');
    const answer = await forge.mergeability('api', pr.number, { retryMs: 200, tries: 5 });
    expect(answer).toMatchObject({ mergeable: false, state: 'dirty' });
    expect(answer.reads).toBeGreaterThan(1);
    expect(reads(pr.number)).toHaveLength(answer.reads);
    // Computed: the next read answers at once, and a clean-but-behind PR says so.
    fake.setMergeability('acme/api', pr.number, 'behind');
    expect(await forge.mergeability('api', pr.number, { retryMs: 200, tries: 5 })).toMatchObject({
      mergeable: true,
      state: 'behind',
    });
  });

  it('gives up as unknown after its reads (asked again next scan), never a burst of reads', async () => {
    const pr = fake.createPull('acme/api', { head: 'agent/ENG-2', title: 'ENG-2' });
    fake.setMergeability('acme/api', pr.number, 'dirty');
    const answer = await forge.mergeability('api', pr.number, { retryMs: 50, tries: 2 });
    expect(answer).toEqual({ mergeable: null, state: 'unknown', reads: 2, headSha: expect.any(String) });
    const [first, second] = reads(pr.number);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(45);
  });

  it('a list of PRs never carries mergeable (GitHub computes it for single reads only)', async () => {
    const pr = fake.createPull('acme/api', { head: 'agent/ENG-3', title: 'ENG-3' });
    fake.setMergeability('acme/api', pr.number, 'clean');
    const res = await fetch(`${fake.baseUrl}/repos/acme/api/pulls`, { headers: { authorization: `token ${TOKEN}` } });
    const [listed] = (await res.json()) as Array<Record<string, unknown>>;
    expect(listed).not.toHaveProperty('mergeable');
  });

  it('updateBranch merges the base in only while the head is the expected commit: another head is head_moved, nothing to merge is an error', async () => {
    const pr = fake.createPull('acme/api', { head: 'agent/ENG-4', title: 'ENG-4' });
    const head = (await forge.mergeability('api', pr.number, { retryMs: 50, tries: 5 })).headSha;
    fake.setMergeability('acme/api', pr.number, 'behind');
    expect(await forge.updateBranch('api', pr.number, 'b'.repeat(40))).toBe('head_moved');
    expect(await forge.updateBranch('api', pr.number, head)).toBe('updated');
    const after = await forge.mergeability('api', pr.number, { retryMs: 200, tries: 5 });
    expect(after).toMatchObject({ mergeable: true, state: 'clean' });
    expect(after.headSha).not.toBe(head);
    await expect(forge.updateBranch('api', pr.number, after.headSha)).rejects.toThrow(/no new commits on the base/);
  });
});
