import { parseConfig } from '@nightshift/config';

import { withDefaults } from './init-answers';
import { renderInitConfig } from './init-template';

const base = {
  repos: [{ name: 'api', remote: 'git@example.com:acme/api.git', capability: 'linux' }],
  hosts: [{ name: 'box', capabilities: ['linux'], slots: 2 }],
  linearTeams: [],
  githubIssues: [],
};

describe('nightshift init: the Jira and GitLab trackers', () => {
  it('writes a valid jira tracker from --jira-site and --jira-project', () => {
    const text = renderInitConfig(
      withDefaults({ ...base, tracker: 'jira', jiraSite: 'https://acme.atlassian.net', jiraProjects: ['ENG', 'OPS'] }),
    );
    const config = parseConfig(text, '/srv/nightshift.yaml');
    expect(config.tracker).toMatchObject({
      kind: 'jira',
      baseUrl: 'https://acme.atlassian.net',
      projects: ['ENG', 'OPS'],
      emailEnv: 'JIRA_EMAIL',
      tokenEnv: 'JIRA_API_TOKEN',
    });
  });

  it('writes a valid gitlab tracker from --gitlab-url and --gitlab-project, keyed by the project name', () => {
    const text = renderInitConfig(
      withDefaults({
        ...base,
        tracker: 'gitlab',
        gitlabUrl: 'https://gitlab.example.com',
        gitlabProjects: ['acme/platform/api'],
      }),
    );
    const config = parseConfig(text, '/srv/nightshift.yaml');
    expect(config.tracker).toMatchObject({
      kind: 'gitlab',
      baseUrl: 'https://gitlab.example.com',
      projects: [{ project: 'acme/platform/api', keyPrefix: 'API' }],
      states: { queue: ['nightshift::queue'], inProgress: 'nightshift::in-progress' },
    });
  });
});
