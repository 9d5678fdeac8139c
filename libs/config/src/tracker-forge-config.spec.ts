import { ConfigError } from './errors/config-error';
import { parseConfig } from './load-config';
import { DEFAULT_COMMIT_AUTHOR, githubRepoOfRemote } from './remotes';

const FILE = '/etc/nightshift/nightshift.yaml';
const repos =
  'repos:\n  - name: api\n    remote: https://github.com/acme/api.git\n  - name: web\n    remote: /srv/git/web.git\n';

function problemsOf(text: string): string {
  try {
    parseConfig(text, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('tracker and forge sections', () => {
  it('defaults to the local board and forge, also when tracker has no kind', () => {
    const config = parseConfig(`${repos}tracker:\n  scanIntervalSec: 2\n`, FILE);
    expect(config.tracker).toMatchObject({ kind: 'local', scanIntervalSec: 2, states: { queue: ['Agent Queue'] } });
    expect(config.forge).toEqual({ kind: 'local', commitAuthor: DEFAULT_COMMIT_AUTHOR });
    expect(config.paths.board).toBe('/etc/nightshift/.nightshift/board');
  });

  it('reads a Linear tracker with per-team state names and a webhook secret env', () => {
    const config = parseConfig(
      `${repos}tracker:\n  kind: linear\n  teams:\n    - key: ENG\n    - key: OPS\n      states: { inProgress: Doing }\n  webhook: { secretEnv: LINEAR_WEBHOOK_SECRET }\n`,
      FILE,
    );
    expect(config.tracker).toMatchObject({
      kind: 'linear',
      tokenEnv: 'LINEAR_API_KEY',
      apiUrl: 'https://api.linear.app/graphql',
      pageSize: 250,
      teams: [{ key: 'ENG' }, { key: 'OPS', states: { inProgress: 'Doing' } }],
      webhook: { secretEnv: 'LINEAR_WEBHOOK_SECRET' },
      states: { inReview: 'In Review' },
    });
  });

  it('gives the GitHub Issues tracker label-named states by default', () => {
    const config = parseConfig(
      `${repos}tracker:\n  kind: github\n  repos: [{ repo: acme/planning, keyPrefix: PLAN }]\n  states: { needsHuman: help-wanted }\n`,
      FILE,
    );
    expect(config.tracker.states).toEqual({
      queue: ['agent-queue'],
      inProgress: 'agent-working',
      inReview: 'agent-review',
      done: 'agent-done',
      needsHuman: 'help-wanted',
    });
  });

  it('refuses a token written into the file, a missing team list and an unknown kind', () => {
    expect(problemsOf(`${repos}tracker:\n  kind: linear\n  teams: [{ key: ENG }]\n  apiKey: lin_api_123\n`)).toContain(
      'tracker',
    );
    expect(problemsOf(`${repos}tracker:\n  kind: linear\n  teams: []\n`)).toContain(
      'tracker.teams: name at least one Linear team key',
    );
    expect(problemsOf(`${repos}tracker:\n  kind: trello\n`)).toContain('tracker.kind');
    expect(
      problemsOf(`${repos}tracker:\n  kind: linear\n  teams: [{ key: ENG }]\n  tokenEnv: "lin api key"\n`),
    ).toContain('the NAME of an environment variable');
  });

  it('maps every repo to a GitHub repository for the GitHub forge, from forge.repos or a github.com remote', () => {
    const ok = parseConfig(
      `${repos}forge:\n  kind: github\n  repos: { web: acme/web }\n  draft: true\n  labels: [nightshift]\n`,
      FILE,
    );
    expect(ok.forge).toMatchObject({
      kind: 'github',
      tokenEnv: 'GITHUB_TOKEN',
      baseUrl: 'https://api.github.com',
      draft: true,
      labels: ['nightshift'],
      repos: { web: 'acme/web' },
    });
    expect(problemsOf(`${repos}forge:\n  kind: github\n`)).toMatch(
      /repos\[1\]\.remote: forge.kind is github but repo "web" has no GitHub repository/,
    );
    expect(problemsOf(`${repos}forge:\n  kind: github\n  repos: { web: acme/web, nope: acme/nope }\n`)).toContain(
      'forge.repos.nope: no repo named "nope"',
    );
  });

  it('recognises github.com remotes only', () => {
    expect(githubRepoOfRemote('https://github.com/acme/api.git')).toBe('acme/api');
    expect(githubRepoOfRemote('git@github.com:acme/api.git')).toBe('acme/api');
    expect(githubRepoOfRemote('https://x-access-token:abc@github.com/acme/api')).toBe('acme/api');
    expect(githubRepoOfRemote('https://gitlab.com/acme/api.git')).toBeUndefined();
    expect(githubRepoOfRemote('/srv/git/api.git')).toBeUndefined();
  });

  it('takes a commit author for the forge and refuses one git would choke on', () => {
    const ok = parseConfig(
      `${repos}forge:\n  kind: local\n  commitAuthor: { name: Night Bot, email: bot@example.com }\n`,
      FILE,
    );
    expect(ok.forge.commitAuthor).toEqual({ name: 'Night Bot', email: 'bot@example.com' });
    expect(() =>
      parseConfig(`${repos}forge:\n  commitAuthor: { name: Night Bot, email: not-an-address }\n`, FILE),
    ).toThrow(/forge\.commitAuthor\.email: an address such as/);
    expect(() =>
      parseConfig(`${repos}forge:\n  commitAuthor: { name: "<evil>", email: bot@example.com }\n`, FILE),
    ).toThrow(/forge\.commitAuthor\.name/);
  });
});
