import type { NightshiftConfig } from '@nightshift/config';
import { githubRepoOfRemote } from '@nightshift/config';

import { classifyFailure } from './classify-failure';
import { type CheckResult, fail, pass } from './doctor-check';

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

/** The tracker answers with this token: one read of the queue states, through the same adapter the scanner uses. */
export async function checkTracker(config: NightshiftConfig, env: NodeJS.ProcessEnv): Promise<CheckResult> {
  const { createTracker } = require('@nightshift/adapter-factories') as typeof import('@nightshift/adapter-factories');
  const kind = config.tracker.kind;
  try {
    const tracker = createTracker(config, env);
    const queued = await tracker.listByStates(config.tracker.states.queue);
    // Permissions and state names (Jira): a move that cannot happen fails tonight, not at the first ticket.
    const problems = (await tracker.checkAccess?.()) ?? [];
    if (problems.length > 0)
      return fail(
        'tracker',
        `${kind}: ${problems.join('; ')}`,
        'grant the permissions or fix tracker.states (docs/trackers.md)',
      );
    return pass('tracker', `${kind}: ${queued.length} ticket(s) in ${config.tracker.states.queue.join(', ')}`);
  } catch (err) {
    const tracker = config.tracker;
    if (tracker.kind === 'local')
      return fail('tracker', `local: ${(err as Error).message}`, 'check tracker.dir and its permissions');
    const failure = classifyFailure(
      { error: err },
      {
        target: hostOf(tracker.kind === 'linear' ? tracker.apiUrl : tracker.baseUrl),
        tokenEnv: tracker.tokenEnv,
        otherFix: `check ${tracker.tokenEnv} (set, not expired, allowed to read and write issues) and the team/repo names`,
      },
    );
    return fail('tracker', `${kind}: ${failure.detail}`, failure.fix);
  }
}

/** A GitHub forge's token can push to and open PRs on every repo (classic tokens: the repo scope too). */
export async function checkForge(config: NightshiftConfig, env: NodeJS.ProcessEnv): Promise<CheckResult[]> {
  const forge = config.forge;
  if (forge.kind === 'local') return [pass('forge', `local: PR records in ${config.paths.forge}`)];
  if (forge.kind === 'gitlab')
    return env[forge.tokenEnv]
      ? [pass('forge', `gitlab: ${forge.tokenEnv} is set (project access is not checked by doctor yet)`)]
      : [
          fail(
            'forge',
            `gitlab: ${forge.tokenEnv} is not set`,
            `export ${forge.tokenEnv} (a token with api and write_repository)`,
          ),
        ];
  const token = env[forge.tokenEnv];
  if (!token)
    return [
      fail(
        'forge',
        `github: ${forge.tokenEnv} is not set`,
        `export ${forge.tokenEnv} (a token with contents and pull requests: read and write)`,
      ),
    ];
  const { createGitHubClient } = require('@nightshift/github-client') as typeof import('@nightshift/github-client');
  const client = createGitHubClient({
    token,
    baseUrl: forge.baseUrl,
    retries: 1,
    retryBaseMs: 200,
    maxRateLimitWaitSec: 5,
  });
  const results: CheckResult[] = [];
  try {
    const user = await client.request('GET /user');
    const scopes = user.headers['x-oauth-scopes'];
    if (scopes !== undefined && !/\b(repo|public_repo)\b/.test(scopes)) {
      return [
        fail(
          'forge',
          `github: the token of ${user.data.login} has scopes "${scopes || 'none'}", without repo`,
          'create a token with the repo scope (or a fine-grained one with contents and pull requests: write)',
        ),
      ];
    }
    results.push(
      pass(
        'forge',
        `github: token of ${user.data.login}${scopes === undefined ? ' (fine-grained)' : ` (scopes ${scopes})`}`,
      ),
    );
  } catch (err) {
    const failure = classifyFailure(
      { error: err },
      {
        target: hostOf(forge.baseUrl),
        tokenEnv: forge.tokenEnv,
        otherFix: `check ${forge.tokenEnv} and forge.baseUrl`,
      },
    );
    return [fail('forge', `github: ${failure.detail}`, failure.fix)];
  }
  for (const repo of config.repos) {
    const full = forge.repos[repo.name] ?? githubRepoOfRemote(repo.remote);
    const [owner = '', name = ''] = (full ?? '').split('/');
    try {
      const { data } = await client.rest.repos.get({ owner, repo: name });
      results.push(
        data.permissions?.push
          ? pass(`forge ${repo.name}`, `${full}: push allowed`)
          : fail(`forge ${repo.name}`, `${full}: the token cannot push`, `give the token write access to ${full}`),
      );
    } catch (err) {
      const failure = classifyFailure(
        { error: err },
        {
          target: full ?? repo.name,
          tokenEnv: forge.tokenEnv,
          otherFix: `check that ${full} exists and the token can see it`,
        },
      );
      results.push(fail(`forge ${repo.name}`, failure.detail, failure.fix));
    }
  }
  return results;
}
