import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { FakeGitHub, FakeLinear } from '@nightshift/testing-fakes';

/** Tokens the remote-tracker end-to-end tests hand the services; the tests grep every output for them. */
export const E2E_SECRETS = {
  LINEAR_API_KEY: 'lin_api_e2eLinearKey0123456789abcdef',
  GITHUB_TOKEN: 'ghp_e2eGitHubToken0123456789abcdefABCD',
  LINEAR_WEBHOOK_SECRET: 'lin_wh_e2eWebhookSecret0123456789',
};

/** Every form a secret could leak in: as is, and as the Basic header git would send. */
export function secretForms(): string[] {
  const values = Object.values(E2E_SECRETS);
  return [...values, Buffer.from(`x-access-token:${E2E_SECRETS.GITHUB_TOKEN}`).toString('base64')];
}

/**
 * A fake Linear (team ENG) and a fake GitHub (acme/<repo> for each repo) for a Pipeline, plus the
 * config that points Nightshift at them. GitHub refuses a PR whose branch was not pushed to the
 * pipeline's bare remote, as the real one would.
 */
export class RemoteFakes {
  readonly linear = new FakeLinear({ apiKey: E2E_SECRETS.LINEAR_API_KEY, teams: ['ENG'] });
  readonly github: FakeGitHub;
  private remotesDir?: string;

  constructor(readonly repos: string[]) {
    this.github = new FakeGitHub({
      token: E2E_SECRETS.GITHUB_TOKEN,
      repos: repos.map((r) => `acme/${r}`),
      headExists: (repo, branch) => this.branchPushed(repo.split('/')[1]!, branch),
    });
  }

  async start(): Promise<void> {
    await Promise.all([this.linear.start(), this.github.start()]);
  }

  /** The pipeline's bare remotes live in `<pipeline dir>/remotes`; known once the pipeline exists. */
  useRemotes(pipelineDir: string): void {
    this.remotesDir = path.join(pipelineDir, 'remotes');
  }

  /** Config overrides: `tracker: linear` + `forge: github` pointed at the fakes. */
  config(tracker: Record<string, unknown> = {}, forge: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      tracker: { kind: 'linear', scanIntervalSec: 2, apiUrl: this.linear.apiUrl, teams: [{ key: 'ENG' }], webhook: { secretEnv: 'LINEAR_WEBHOOK_SECRET' }, ...tracker },
      forge: {
        kind: 'github',
        baseUrl: this.github.baseUrl,
        repos: Object.fromEntries(this.repos.map((r) => [r, `acme/${r}`])),
        draft: true,
        labels: ['nightshift'],
        // GitHub's 1 s spacing of writes would make the test wait for nothing; the fake has no such limit.
        writeIntervalMs: 20,
        retryBaseMs: 100,
        ...forge,
      },
    };
  }

  async stop(): Promise<void> {
    await Promise.all([this.linear.stop(), this.github.stop()]);
  }

  private branchPushed(repo: string, branch: string): boolean {
    if (!this.remotesDir) return true;
    try {
      execFileSync('git', ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], { cwd: path.join(this.remotesDir, `${repo}.git`), stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }
}
