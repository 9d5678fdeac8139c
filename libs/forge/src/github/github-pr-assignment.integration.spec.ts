import { createGitHubClient } from '@nightshift/github-client';
import { FakeGitHub } from '@nightshift/testing-fakes';

import { GitHubForge } from '../index';

const TOKEN = 'ghp_assign_spec_token_0123456789';
const draft = (head: string, extra: object = {}) => ({
  repo: 'api',
  head,
  base: 'main',
  title: `${head.slice(6)}: do it`,
  body: 'Opened by Nightshift.',
  tickets: [head.slice(6)],
  ...extra,
});

describe('GitHubForge: per-repo PR labels, reviewers and assignees, through Octokit against the fake', () => {
  let fake: FakeGitHub;
  let forge: GitHubForge;
  beforeEach(async () => {
    fake = new FakeGitHub({
      token: TOKEN,
      repos: ['acme/api'],
      collaborators: ['nightshift-bot', 'alice', 'bob'],
      teams: ['platform'],
    });
    const baseUrl = await fake.start();
    forge = new GitHubForge({
      client: createGitHubClient({ token: TOKEN, baseUrl, writeIntervalMs: 0, retryBaseMs: 5, retries: 1 }),
      token: TOKEN,
      repos: { api: 'acme/api' },
    });
  });
  afterEach(() => fake.stop());

  it('opens the PR with its labels, requests the reviews and assigns it, as GitHub records them', async () => {
    const opened = await forge.findOrCreatePr(
      draft('agent/ENG-1', {
        labels: ['nightshift', 'backend'],
        reviewers: ['alice'],
        teamReviewers: ['platform'],
        assignees: ['bob'],
      }),
    );
    expect(opened).toMatchObject({ created: true });
    expect(opened.refused).toBeUndefined();
    expect(opened.pr).toMatchObject({
      labels: ['nightshift', 'backend'],
      reviewers: ['alice'],
      teamReviewers: ['platform'],
      assignees: ['bob'],
    });
    expect(fake.pulls()).toEqual([
      expect.objectContaining({
        labels: ['nightshift', 'backend'],
        reviewers: ['alice'],
        teamReviewers: ['platform'],
        assignees: ['bob'],
      }),
    ]);
    const calls = fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(calls).toContain('POST /repos/acme/api/pulls/1/requested_reviewers 201');
    expect(calls).toContain('POST /repos/acme/api/issues/1/assignees 201');
  });

  it('on a later push adds missing assignees but requests no review again (that would ping reviewers anew)', async () => {
    await forge.findOrCreatePr(draft('agent/ENG-2', { reviewers: ['alice'] }));
    const again = await forge.findOrCreatePr(draft('agent/ENG-2', { reviewers: ['alice'], assignees: ['bob'] }));
    expect(again.created).toBe(false);
    expect(fake.requests.filter((r) => r.path.endsWith('/requested_reviewers'))).toHaveLength(1);
    expect(fake.pulls()[0]).toMatchObject({ reviewers: ['alice'], assignees: ['bob'] });
  });

  it('keeps the PR open when GitHub refuses a reviewer who is not a collaborator, and says so', async () => {
    const opened = await forge.findOrCreatePr(
      draft('agent/ENG-3', { reviewers: ['alice', 'mallory'], assignees: ['bob', 'eve'] }),
    );
    expect(opened.created).toBe(true);
    expect(opened.refused).toEqual([
      expect.stringMatching(/^review request \(alice, mallory\): .*only be requested from collaborators/),
      'assignees without access to acme/api: eve',
    ]);
    expect(fake.pulls()[0]).toMatchObject({ state: 'open', reviewers: [], assignees: ['bob'] });
  });
});
