import { Gitlab } from '@gitbeaker/rest';

import { FakeGitLab } from './fake-gitlab';

const TOKEN = 'glpat-fake-spec';

describe('FakeGitLab refuses and answers as GitLab does (driven by @gitbeaker/rest)', () => {
  let fake: FakeGitLab;
  let api: InstanceType<typeof Gitlab>;
  beforeEach(async () => {
    fake = new FakeGitLab({ token: TOKEN, projects: ['acme/alpha'], requestsPerMinute: 5 });
    api = new Gitlab({ host: await fake.start(), token: TOKEN });
  });
  afterEach(() => fake.stop());

  it('caps per_page at 100 and links the next page', async () => {
    for (let n = 0; n < 150; n += 1) fake.createIssue({ project: 'acme/alpha', title: `t${n}` });
    const page = await api.Issues.all({ projectId: 'acme/alpha', perPage: 500, page: 1, showExpanded: true });
    expect(page.data).toHaveLength(100);
    expect(page.paginationInfo).toMatchObject({ total: 150, next: 2, totalPages: 2 });
  });

  it('keeps one label per scope: adding nightshift::b drops nightshift::a, other labels stay', async () => {
    const issue = fake.createIssue({ project: 'acme/alpha', title: 'x', labels: ['nightshift::a', 'area::ui', 'bug'] });
    await api.Issues.edit('acme/alpha', issue.iid, { addLabels: 'nightshift::b' });
    expect(fake.issue('acme/alpha', issue.iid).labels).toEqual(['area::ui', 'bug', 'nightshift::b']);
  });

  it('refuses a blank note, a wrong token, and past the per-minute limit answers 429 with Retry-After and RateLimit-*', async () => {
    const issue = fake.createIssue({ project: 'acme/alpha', title: 'x' });
    await expect(api.IssueNotes.create('acme/alpha', issue.iid, '  ')).rejects.toThrow();
    const wrong = new Gitlab({ host: fake.url, token: 'nope' });
    await expect(wrong.Issues.show(issue.iid, { projectId: 'acme/alpha' })).rejects.toThrow(/Unauthorized/);
    for (let n = 0; n < 4; n += 1)
      await fetch(`${fake.url}/api/v4/projects/1/issues`, { headers: { 'private-token': TOKEN } });
    const res = await fetch(`${fake.url}/api/v4/projects/1/issues`, { headers: { 'private-token': TOKEN } });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(res.headers.get('ratelimit-limit')).toBe('5');
    expect(res.headers.get('ratelimit-remaining')).toBe('0');
  });
});
