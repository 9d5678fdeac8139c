import { ConfigError } from './errors/config-error';
import { parseConfig } from './load-config';

const FILE = '/etc/nightshift/nightshift.yaml';

describe('repos[].pr: labels, reviewers and assignees of a repo PRs', () => {
  it('labels every PR `nightshift` by default, with no reviewers or assignees', () => {
    const config = parseConfig('repos:\n  - name: api\n    remote: /srv/git/api.git\n', FILE);
    expect(config.repos[0]!.pr).toEqual({ labels: ['nightshift'], reviewers: [], teamReviewers: [], assignees: [] });
  });

  it('reads per-repo labels, reviewers, team reviewers and assignees', () => {
    const config = parseConfig(
      'repos:\n  - name: api\n    remote: /srv/git/api.git\n    pr:\n      labels: [agent, backend]\n      reviewers: [alice, bob-2]\n      teamReviewers: [platform]\n      assignees: [carol]\n  - name: web\n    remote: /srv/git/web.git\n    pr: { labels: [] }\n',
      FILE,
    );
    expect(config.repos.map((r) => r.pr)).toEqual([
      {
        labels: ['agent', 'backend'],
        reviewers: ['alice', 'bob-2'],
        teamReviewers: ['platform'],
        assignees: ['carol'],
      },
      { labels: [], reviewers: [], teamReviewers: [], assignees: [] },
    ]);
  });

  it('refuses a reviewer that is not a GitHub login and an unknown key, naming the path', () => {
    const problems = (text: string) => {
      try {
        parseConfig(text, FILE);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    const base = 'repos:\n  - name: api\n    remote: /srv/git/api.git\n    pr:\n';
    expect(problems(`${base}      reviewers: ['@alice']\n`)).toContain('repos[0].pr.reviewers[0]: a GitHub login');
    expect(problems(`${base}      reviewer: [alice]\n`)).toMatch(/repos\[0\]\.pr.*reviewer/);
  });
});
