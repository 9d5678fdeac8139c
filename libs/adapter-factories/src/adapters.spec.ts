import { parseConfig } from '@nightshift/config';

import { createForge, createTracker } from './adapters';
import { MissingSecretError } from './errors/missing-secret.error';

const repos =
  'repos:\n  - name: api\n    remote: https://github.com/acme/api.git\n  - name: web\n    remote: /srv/web.git\n';

describe('createTracker / createForge', () => {
  it('builds the Linear tracker with the key from the named environment variable', () => {
    const config = parseConfig(
      `${repos}tracker:\n  kind: linear\n  tokenEnv: MY_LINEAR_KEY\n  teams: [{ key: ENG }]\n`,
      '/x/n.yaml',
    );
    expect(createTracker(config, { MY_LINEAR_KEY: 'lin_api_abc' }).kind).toBe('linear');
    const err = (() => {
      try {
        createTracker(config, {});
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected MissingSecretError');
    })();
    expect(err).toBeInstanceOf(MissingSecretError);
    expect(err.message).toContain('MY_LINEAR_KEY');
  });

  it('builds the GitHub Issues tracker and the GitHub forge, mapping repos from forge.repos or github.com remotes', async () => {
    const config = parseConfig(
      `${repos}tracker:\n  kind: github\n  repos: [{ repo: acme/planning, keyPrefix: PLAN }]\nforge:\n  kind: github\n  repos: { web: acme/web }\n`,
      '/x/n.yaml',
    );
    expect(createTracker(config, { GITHUB_TOKEN: 'ghp_abc123' }).kind).toBe('github');
    const forge = createForge(config, { GITHUB_TOKEN: 'ghp_abc123' });
    expect(forge.kind).toBe('github');
    // An unmapped repo name is refused before any request is made.
    await expect(forge.findOpenPr('nope', 'agent/X-1')).rejects.toThrow(/mapped: api, web/);
  });

  it('builds the GitLab forge on a self-managed instance; a repo without a GitLab project is a config error', async () => {
    const gitlab = `${repos}forge:\n  kind: gitlab\n  baseUrl: https://gitlab.example.com\n  tokenEnv: GL_TOKEN\n`;
    const config = parseConfig(`${gitlab}  projects: { api: acme/api, web: acme/web }\n`, '/x/n.yaml');
    const forge = createForge(config, { GL_TOKEN: 'glpat-abc' });
    expect(forge.kind).toBe('gitlab');
    await expect(forge.findOpenPr('nope', 'agent/X-1')).rejects.toThrow(/mapped: api, web/);
    expect(() => createForge(config, {})).toThrow(/GL_TOKEN/);
    expect(() => parseConfig(`${gitlab}  projects: { api: acme/api }\n`, '/x/n.yaml')).toThrow(
      /repo "web" has no GitLab project/,
    );
  });
});
