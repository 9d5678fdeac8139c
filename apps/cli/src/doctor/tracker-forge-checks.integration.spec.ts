import { parseConfig } from '@nightshift/config';
import { FakeGitHub } from '@nightshift/testing-fakes';
import { checkForge } from './tracker-forge-checks';

const TOKEN = 'ghp_doctorcheck000000000000000000000000';

/** The forge check through the real Octokit client against the GitHub fake: scopes, push access, a refused token. */
describe('doctor: the GitHub forge check', () => {
  let fake: FakeGitHub | undefined;
  afterEach(() => fake?.stop());

  const check = async (grants: { scopes?: string; canPush?: boolean }, token = TOKEN) => {
    fake = new FakeGitHub({ token: TOKEN, repos: ['acme/api'], login: 'night-bot', ...grants });
    const baseUrl = await fake.start();
    const config = parseConfig(`repos: [{ name: api, remote: ./api.git }]\nforge: { kind: github, baseUrl: ${JSON.stringify(baseUrl)}, repos: { api: acme/api }, retries: 0 }\n`, '/srv/n.yaml');
    return checkForge(config, { GITHUB_TOKEN: token });
  };

  it('passes a classic token with the repo scope that can push', async () => {
    const results = await check({ scopes: 'repo, read:org' });
    expect(results.map((r) => [r.name, r.ok])).toEqual([['forge', true], ['forge api', true]]);
    expect(results[0]!.detail).toContain('night-bot');
  });

  it('fails a classic token without the repo scope, naming its scopes', async () => {
    const [result] = await check({ scopes: 'read:org' });
    expect(result).toMatchObject({ ok: false, name: 'forge' });
    expect(result!.detail).toContain('"read:org", without repo');
  });

  it('fails a fine-grained token that cannot push to a repo, naming the repo', async () => {
    const results = await check({ canPush: false });
    expect(results.find((r) => r.name === 'forge api')).toMatchObject({ ok: false, detail: 'acme/api: the token cannot push' });
  });

  it('fails a token GitHub refuses, without printing it', async () => {
    const results = await check({}, 'ghp_wrongwrongwrongwrongwrongwrongwrong0');
    expect(results[0]).toMatchObject({ ok: false, name: 'forge' });
    expect(JSON.stringify(results)).not.toContain('ghp_wrong');
  });
});
