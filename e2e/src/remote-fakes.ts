import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { FakeGitHub, FakeGitLab, FakeJira, FakeLinear } from '@nightshift/testing-fakes';

/** Tokens the remote-tracker end-to-end tests hand the services; the tests grep every output for them. */
export const E2E_SECRETS = {
  LINEAR_API_KEY: 'lin_api_e2eLinearKey0123456789abcdef',
  GITHUB_TOKEN: 'ghp_e2eGitHubToken0123456789abcdefABCD',
  LINEAR_WEBHOOK_SECRET: 'lin_wh_e2eWebhookSecret0123456789',
  JIRA_EMAIL: 'nightshift-bot@example.com',
  JIRA_API_TOKEN: 'ATATT3xFfGF0e2eJiraToken0123456789',
  GITLAB_TOKEN: 'glpat-e2eGitLabToken0123456789',
};

/** Every form a secret could leak in: as is, and as the Basic header git would send. */
export function secretForms(): string[] {
  const values = Object.values(E2E_SECRETS);
  return [
    ...values.filter((v) => v !== E2E_SECRETS.JIRA_EMAIL),
    Buffer.from(`x-access-token:${E2E_SECRETS.GITHUB_TOKEN}`).toString('base64'),
    Buffer.from(`oauth2:${E2E_SECRETS.GITLAB_TOKEN}`).toString('base64'),
    Buffer.from(`${E2E_SECRETS.JIRA_EMAIL}:${E2E_SECRETS.JIRA_API_TOKEN}`).toString('base64'),
  ];
}

/**
 * A fake Linear (team ENG) and a fake GitHub (acme/<repo> for each repo) for a Pipeline, plus the
 * config that points Nightshift at them. GitHub refuses a PR whose branch was not pushed to the
 * pipeline's bare remote, as the real one would.
 */
export class RemoteFakes {
  readonly linear = new FakeLinear({ apiKey: E2E_SECRETS.LINEAR_API_KEY, teams: ['ENG'] });
  readonly jira = new FakeJira({
    email: E2E_SECRETS.JIRA_EMAIL,
    apiToken: E2E_SECRETS.JIRA_API_TOKEN,
    projects: ['ENG'],
  });
  readonly gitlab: FakeGitLab;
  readonly github: FakeGitHub;
  private remotesDir?: string;

  constructor(readonly repos: string[]) {
    this.gitlab = new FakeGitLab({
      token: E2E_SECRETS.GITLAB_TOKEN,
      projects: ['acme/alpha'],
      branchExists: (project, branch) => this.branchPushed(project.split('/')[1]!, branch),
    });
    this.github = new FakeGitHub({
      token: E2E_SECRETS.GITHUB_TOKEN,
      repos: repos.map((r) => `acme/${r}`),
      headExists: (repo, branch) => this.branchPushed(repo.split('/')[1]!, branch),
      // The team's reviewers have write access; anyone else is an outside contributor (NONE).
      collaborators: ['reviewer', 'human', 'rita', 'sam'],
    });
  }

  async start(): Promise<void> {
    await Promise.all([this.linear.start(), this.github.start(), this.jira.start(), this.gitlab.start()]);
  }

  /** The pipeline's bare remotes live in `<pipeline dir>/remotes`; known once the pipeline exists. */
  useRemotes(pipelineDir: string): void {
    this.remotesDir = path.join(pipelineDir, 'remotes');
  }

  /** Config overrides: `tracker: linear` + `forge: github` pointed at the fakes. */
  config(tracker: Record<string, unknown> = {}, forge: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      tracker: {
        kind: 'linear',
        scanIntervalSec: 2,
        apiUrl: this.linear.apiUrl,
        teams: [{ key: 'ENG' }],
        webhook: { secretEnv: 'LINEAR_WEBHOOK_SECRET' },
        // Scans every 2 s (a compressed night): within 25 % of an API key's 5,000 requests an hour they would
        // slow to ~12 s. The fake still keeps Linear's own hourly limits.
        budget: { requestsPerHour: 1_000_000, complexityPerHour: 1_000_000_000 },
        ...tracker,
      },
      forge: {
        kind: 'github',
        baseUrl: this.github.baseUrl,
        repos: Object.fromEntries(this.repos.map((r) => [r, `acme/${r}`])),
        draft: true,
        labels: ['nightshift'],
        // GitHub's 1 s spacing of writes would make the test wait for nothing; the fake has no such limit.
        writeIntervalMs: 20,
        retryBaseMs: 100,
        // Content creation stays paced under the fake's 80 a minute; a compressed night would meet the hour's
        // pace (45, then one every 9 s) within minutes, so the hour is left to the fake's own 500.
        contentLimits: { perMinute: 80, perHour: 5_000 },
        ...forge,
      },
    };
  }

  /** Config overrides: `tracker: jira` (project ENG) + `forge: github` pointed at the fakes. */
  jiraConfig(tracker: Record<string, unknown> = {}): Record<string, unknown> {
    const { forge } = this.config();
    return {
      tracker: {
        kind: 'jira',
        scanIntervalSec: 2,
        baseUrl: this.jira.url,
        projects: ['ENG'],
        // A compressed night: scans every 2 s would otherwise slow to keep within a quarter of 10,000 an hour.
        budget: { requestsPerHour: 1_000_000 },
        ...tracker,
      },
      forge,
    };
  }

  /** Config overrides: `tracker: gitlab` (issues of acme/alpha, key AL-<iid>) + `forge: github` pointed at the fakes. */
  gitlabConfig(): Record<string, unknown> {
    const { forge } = this.config();
    return {
      tracker: {
        kind: 'gitlab',
        scanIntervalSec: 2,
        baseUrl: this.gitlab.url,
        projects: [{ project: 'acme/alpha', keyPrefix: 'AL' }],
        budget: { requestsPerHour: 1_000_000 },
      },
      forge,
    };
  }

  /** Config overrides: `tracker: gitlab` + `forge: gitlab` (merge requests in acme/alpha, labeled nightshift). */
  gitlabForgeConfig(): Record<string, unknown> {
    const { tracker } = this.gitlabConfig();
    return {
      tracker,
      forge: {
        kind: 'gitlab',
        baseUrl: this.gitlab.url,
        projects: Object.fromEntries(this.repos.map((r) => [r, `acme/${r}`])),
        labels: ['nightshift'],
      },
    };
  }

  async stop(): Promise<void> {
    await Promise.all([this.linear.stop(), this.github.stop(), this.jira.stop(), this.gitlab.stop()]);
  }

  private branchPushed(repo: string, branch: string): boolean {
    if (!this.remotesDir) return true;
    try {
      execFileSync('git', ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], {
        cwd: path.join(this.remotesDir, `${repo}.git`),
        stdio: 'ignore',
      });
      return true;
    } catch {
      return false;
    }
  }
}
