import { parseConfig } from './load-config';
import { secretEnvNames } from './secret-env-names';

describe('secretEnvNames', () => {
  it('lists every env var the config names as holding a secret, and no URL-only settings', () => {
    const config = parseConfig(
      'repos:\n  - name: api\n    remote: /srv/git/api.git\ntracker:\n  kind: linear\n  tokenEnv: MY_LINEAR\n  teams:\n    - key: ENG\n  webhook: { secretEnv: HOOK_SIGNING }\n',
      '/etc/nightshift/nightshift.yaml',
    );
    const names = secretEnvNames(config);
    expect(names).toEqual(
      expect.arrayContaining([
        'MY_LINEAR',
        'HOOK_SIGNING',
        'SLACK_WEBHOOK_URL',
        'NIGHTSHIFT_API_TOKEN',
        'QDRANT_API_KEY',
      ]),
    );
    expect(names).not.toContain('QDRANT_URL');
    expect(names).not.toContain('OLLAMA_HOST');
  });
});
