import { AGENT_API_KEY_ENV, agentEnv, agentEnvNames } from './agent-env';
import { ConfigError } from './errors/config-error';
import { parseConfig } from './load-config';

const FILE = '/etc/nightshift/nightshift.yaml';

function config(extra = '') {
  return parseConfig(
    `repos:\n  - name: web\n    remote: /srv/git/web.git\n    agentEnv:\n      pass: [WEB_ONLY]\n      set: { NODE_ENV: test }\n  - name: api\n    remote: /srv/git/api.git\n${extra}`,
    FILE,
  );
}

// What the director's process holds: its own secrets and settings beside the ordinary variables.
const DIRECTOR_ENV: NodeJS.ProcessEnv = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/ns',
  USER: 'ns',
  SHELL: '/bin/bash',
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  TERM: 'xterm',
  TMPDIR: '/tmp/ns',
  GITHUB_TOKEN: 'ghp_directorsecret',
  LINEAR_API_KEY: 'lin_api_directorsecret',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.example/T/B/x',
  NIGHTSHIFT_API_TOKEN: 'operator-token',
  QDRANT_API_KEY: 'qdrant-key',
  QDRANT_URL: 'http://qdrant:6333',
  REDIS_URL: 'redis://:pw@127.0.0.1:6379',
  NIGHTSHIFT_CONFIG: '/etc/nightshift/nightshift.yaml',
  AWS_SECRET_ACCESS_KEY: 'aws-secret',
  NPM_TOKEN: 'npm-token',
  WEB_ONLY: 'web-value',
  TEAM_B_KEY: 'sk-ant-team-b',
  CLAUDE_CONFIG_DIR: '/home/ns/.claude-default',
  SOMETHING_ELSE: 'x',
};

describe('agentEnv: the allowlist', () => {
  const base = config(
    'agent:\n  env:\n    pass: [NPM_TOKEN, NOT_SET_ANYWHERE]\n    set: { CI: "true" }\n  accounts:\n    - name: a\n      configDir: /creds/a\n    - name: b\n      apiKeyEnv: TEAM_B_KEY\n',
  );
  const web = base.repos.find((r) => r.name === 'web')!;
  const api = base.repos.find((r) => r.name === 'api')!;
  const [accountA, accountB] = base.agent.accounts;
  const seen = agentEnv({
    config: base,
    repo: web,
    account: accountA,
    env: DIRECTOR_ENV,
    extra: { NIGHTSHIFT_SESSION: 'ENG-1.1#t' },
  });

  it.each([
    ['PATH', '/usr/bin:/bin'],
    ['HOME', '/home/ns'],
    ['USER', 'ns'],
    ['SHELL', '/bin/bash'],
    ['LANG', 'C.UTF-8'],
    ['LC_ALL', 'C.UTF-8'],
    ['TERM', 'xterm'],
    ['TMPDIR', '/tmp/ns'],
    ['NIGHTSHIFT_SESSION', 'ENG-1.1#t'],
    ['CLAUDE_CONFIG_DIR', '/creds/a'],
    ['GIT_AUTHOR_NAME', 'Nightshift'],
    ['GIT_COMMITTER_EMAIL', 'nightshift-bot@users.noreply.localhost'],
    ['NPM_TOKEN', 'npm-token'],
    ['CI', 'true'],
    ['WEB_ONLY', 'web-value'],
    ['NODE_ENV', 'test'],
  ])('gives %s', (name, value) => {
    expect(seen[name]).toBe(value);
  });

  it.each([
    'GITHUB_TOKEN',
    'LINEAR_API_KEY',
    'SLACK_WEBHOOK_URL',
    'NIGHTSHIFT_API_TOKEN',
    'QDRANT_API_KEY',
    'QDRANT_URL',
    'REDIS_URL',
    'NIGHTSHIFT_CONFIG',
    'AWS_SECRET_ACCESS_KEY',
    'TEAM_B_KEY',
    AGENT_API_KEY_ENV,
    'SOMETHING_ELSE',
    'NOT_SET_ANYWHERE',
  ])('never gives %s', (name) => {
    expect(seen).not.toHaveProperty(name);
  });

  it("gives another repo's agent neither that repo's variables", () => {
    const other = agentEnv({ config: base, repo: api, account: accountA, env: DIRECTOR_ENV });
    expect(other).not.toHaveProperty('WEB_ONLY');
    expect(other).not.toHaveProperty('NODE_ENV');
    expect(other['NPM_TOKEN']).toBe('npm-token');
  });

  it("gives the account's API key under the CLI's name, and the director's default config dir to an account with none", () => {
    const b = agentEnv({ config: base, repo: api, account: accountB, env: DIRECTOR_ENV });
    expect(b[AGENT_API_KEY_ENV]).toBe('sk-ant-team-b');
    expect(b).not.toHaveProperty('TEAM_B_KEY');
    expect(b['CLAUDE_CONFIG_DIR']).toBe('/home/ns/.claude-default');
  });

  it("gives another CLI the account's credentials under that CLI's own names", () => {
    const codex = { ...base, agent: { ...base.agent, kind: 'codex' as const } };
    const a = agentEnv({ config: codex, repo: api, account: accountA, env: DIRECTOR_ENV });
    expect(a['CODEX_HOME']).toBe('/creds/a');
    expect(a).not.toHaveProperty('CLAUDE_CONFIG_DIR');
    const b = agentEnv({ config: codex, repo: api, account: accountB, env: DIRECTOR_ENV });
    expect(b['OPENAI_API_KEY']).toBe('sk-ant-team-b');
    expect(b).not.toHaveProperty(AGENT_API_KEY_ENV);
  });

  it('lists the names for doctor, never a value', () => {
    const names = agentEnvNames(base, DIRECTOR_ENV);
    expect(names).toEqual(
      expect.arrayContaining(['PATH', 'NPM_TOKEN', 'WEB_ONLY', 'CLAUDE_CONFIG_DIR', AGENT_API_KEY_ENV]),
    );
    expect(names).not.toContain('GITHUB_TOKEN');
    expect(names.join(' ')).not.toContain('npm-token');
  });
});

describe('a secret name in a pass list', () => {
  it.each([
    ['agent.env.pass', 'agent:\n  env:\n    pass: [LINEAR_API_KEY]\n', 'agent.env.pass[0]', 'LINEAR_API_KEY'],
    [
      'a renamed tracker token',
      'tracker:\n  kind: linear\n  tokenEnv: MY_LINEAR\n  teams: [{ key: ENG }]\nagent:\n  env:\n    pass: [PATH_EXTRA, MY_LINEAR]\n',
      'agent.env.pass[1]',
      'MY_LINEAR',
    ],
    ['the Slack webhook', 'agent:\n  env:\n    pass: [SLACK_WEBHOOK_URL]\n', 'agent.env.pass[0]', 'SLACK_WEBHOOK_URL'],
    [
      'the operator token',
      'agent:\n  env:\n    pass: [NIGHTSHIFT_API_TOKEN]\n',
      'agent.env.pass[0]',
      'NIGHTSHIFT_API_TOKEN',
    ],
    ['the Qdrant key', 'agent:\n  env:\n    pass: [QDRANT_API_KEY]\n', 'agent.env.pass[0]', 'QDRANT_API_KEY'],
    [
      'an account key',
      'agent:\n  accounts: [{ name: a, apiKeyEnv: TEAM_KEY }]\n  env:\n    pass: [TEAM_KEY]\n',
      'agent.env.pass[0]',
      'TEAM_KEY',
    ],
    ['the Redis URL', 'agent:\n  env:\n    pass: [REDIS_URL]\n', 'agent.env.pass[0]', 'REDIS_URL'],
  ])('is refused at load: %s', (_what, yaml, at, name) => {
    const err = (() => {
      try {
        config(yaml);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(at);
    expect((err as Error).message).toContain(`${name} holds a director secret`);
  });

  it("is refused in a repo's agentEnv too, naming the key", () => {
    expect(() =>
      parseConfig(
        'repos:\n  - name: web\n    remote: /srv/web.git\n    agentEnv:\n      pass: [GITHUB_TOKEN_X, LINEAR_API_KEY]\n',
        FILE,
      ),
    ).toThrow(/repos\[0\]\.agentEnv\.pass\[1\]: LINEAR_API_KEY holds a director secret/);
  });

  it('is fine when it is no secret', () => {
    expect(config('agent:\n  env:\n    pass: [NPM_TOKEN, JAVA_HOME]\n').agent.env.pass).toEqual([
      'NPM_TOKEN',
      'JAVA_HOME',
    ]);
  });
});
