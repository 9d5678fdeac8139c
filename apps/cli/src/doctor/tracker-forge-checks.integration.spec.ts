import { createServer } from 'node:net';

import { parseConfig } from '@nightshift/config';
import { FakeGitHub, FakeJira } from '@nightshift/testing-fakes';

import { checkRepos } from './repo-checks';
import { checkForge, checkTracker } from './tracker-forge-checks';

/** A port nothing listens on: bound once to learn a free one, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const TOKEN = 'ghp_doctorcheck000000000000000000000000';

/** The forge check through the real Octokit client against the GitHub fake: scopes, push access, a refused token. */
describe('doctor: the GitHub forge check', () => {
  let fake: FakeGitHub | undefined;
  afterEach(() => fake?.stop());

  const check = async (grants: { scopes?: string; canPush?: boolean }, token = TOKEN) => {
    fake = new FakeGitHub({ token: TOKEN, repos: ['acme/api'], login: 'night-bot', ...grants });
    const baseUrl = await fake.start();
    const config = parseConfig(
      `repos: [{ name: api, remote: ./api.git }]\nforge: { kind: github, baseUrl: ${JSON.stringify(baseUrl)}, repos: { api: acme/api }, retries: 0 }\n`,
      '/srv/n.yaml',
    );
    return checkForge(config, { GITHUB_TOKEN: token });
  };

  it('passes a classic token with the repo scope that can push', async () => {
    const results = await check({ scopes: 'repo, read:org' });
    expect(results.map((r) => [r.name, r.ok])).toEqual([
      ['forge', true],
      ['forge api', true],
    ]);
    expect(results[0]!.detail).toContain('night-bot');
  });

  it('fails a classic token without the repo scope, naming its scopes', async () => {
    const [result] = await check({ scopes: 'read:org' });
    expect(result).toMatchObject({ ok: false, name: 'forge' });
    expect(result!.detail).toContain('"read:org", without repo');
  });

  it('fails a fine-grained token that cannot push to a repo, naming the repo', async () => {
    const results = await check({ canPush: false });
    expect(results.find((r) => r.name === 'forge api')).toMatchObject({
      ok: false,
      detail: 'acme/api: the token cannot push',
    });
  });

  it('fails a token GitHub refuses, without printing it', async () => {
    const results = await check({}, 'ghp_wrongwrongwrongwrongwrongwrongwrong0');
    expect(results[0]).toMatchObject({ ok: false, name: 'forge' });
    expect(JSON.stringify(results)).not.toContain('ghp_wrong');
  });

  it('says a GitHub nothing answers cannot be reached, and does not blame the token', async () => {
    const port = await closedPort();
    const config = parseConfig(
      `repos: [{ name: api, remote: ./api.git }]\nforge: { kind: github, baseUrl: "http://127.0.0.1:${port}", repos: { api: acme/api }, retries: 0 }\n`,
      '/srv/n.yaml',
    );
    const [result] = await checkForge(config, { GITHUB_TOKEN: TOKEN });
    expect(result).toMatchObject({ ok: false, name: 'forge' });
    expect(result!.detail).toBe(`github: cannot reach 127.0.0.1:${port} (connection refused)`);
    expect(result!.fix).not.toMatch(/token|GITHUB_TOKEN/);
  });
});

describe('doctor: the repo check', () => {
  it('says there is no repository at a local remote path that does not exist, with no ssh advice', async () => {
    const config = parseConfig(`repos: [{ name: api, remote: ./nowhere/api.git }]\n`, '/srv/ns-doctor-missing/n.yaml');
    const [result] = await checkRepos(config);
    expect(result).toMatchObject({
      ok: false,
      name: 'repo api',
      detail: 'no repository at /srv/ns-doctor-missing/nowhere/api.git',
    });
    expect(result!.fix).not.toMatch(/ssh|credential/);
  });
});

/** The tracker check through jira.js against the Jira fake: a missing permission and a status no workflow has. */
describe('doctor: the Jira tracker check', () => {
  const env = { JIRA_EMAIL: 'bot@example.com', JIRA_API_TOKEN: 'jira-doctor-token-0123456789' };
  let fake: FakeJira | undefined;
  afterEach(() => fake?.stop());

  const check = async (permissions: string[] | undefined, inReview = 'In Review') => {
    fake = new FakeJira({ email: env.JIRA_EMAIL, apiToken: env.JIRA_API_TOKEN, projects: ['ENG'], permissions });
    const baseUrl = await fake.start();
    const config = parseConfig(
      `repos: [{ name: api, remote: ./api.git }]\ntracker: { kind: jira, baseUrl: ${JSON.stringify(baseUrl)}, projects: [ENG], states: { inReview: ${JSON.stringify(inReview)} } }\n`,
      '/srv/n.yaml',
    );
    return checkTracker(config, env);
  };

  it('passes when the account may browse, transition, comment and edit, and every status exists', async () => {
    expect(await check(undefined)).toMatchObject({ ok: true, name: 'tracker' });
  });

  it('fails naming the missing permission and the status no workflow has, never the token', async () => {
    const result = await check(['BROWSE_PROJECTS', 'ADD_COMMENTS', 'EDIT_ISSUES'], 'Code Review');
    expect(result).toMatchObject({ ok: false, name: 'tracker' });
    expect(result.detail).toContain('lacks TRANSITION_ISSUES');
    expect(result.detail).toContain('no status "Code Review"');
    expect(JSON.stringify(result)).not.toContain(env.JIRA_API_TOKEN);
  });
});
