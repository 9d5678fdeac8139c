import type { NightshiftConfig, GitHubForgeConfig, GitHubTrackerConfig } from '@nightshift/config';
import { githubRepoOfRemote } from '@nightshift/config';
import { createGitHubClient } from '@nightshift/github-client';
import { GitHubIssuesTracker, LinearTracker, LocalBoard, type Tracker } from '@nightshift/tracker';
import { GitHubForge, LocalForge, type Forge } from '@nightshift/forge';
import { ClaudeCodeAdapter, type AgentAdapter } from '@nightshift/agent';
import { MissingSecretError } from './errors/missing-secret.error';

/** The tracker named by `tracker.kind`. Tokens come from the environment variable the config names. */
export function createTracker(config: NightshiftConfig, env: NodeJS.ProcessEnv = process.env): Tracker {
  const tracker = config.tracker;
  switch (tracker.kind) {
    case 'local':
      return createLocalBoard(config);
    case 'linear':
      return new LinearTracker({
        apiKey: secret(env, tracker.tokenEnv, 'tracker.tokenEnv'),
        tokenEnv: tracker.tokenEnv,
        apiUrl: tracker.apiUrl,
        teams: tracker.teams,
        states: tracker.states,
        pageSize: tracker.pageSize,
      });
    case 'github':
      return new GitHubIssuesTracker({ client: githubClient(tracker, env, 'tracker.tokenEnv'), tokenEnv: tracker.tokenEnv, repos: tracker.repos, states: tracker.states });
  }
}

/** The local board behind `tracker.kind: local` (the CLI's `board` commands work on it directly). */
export function createLocalBoard(config: NightshiftConfig): LocalBoard {
  return new LocalBoard({ dir: config.paths.board, defaultState: config.tracker.states.queue[0], closedStates: [config.tracker.states.done] });
}

/** The forge named by `forge.kind`. */
export function createForge(config: NightshiftConfig, env: NodeJS.ProcessEnv = process.env): Forge {
  const forge = config.forge;
  switch (forge.kind) {
    case 'local':
      return new LocalForge({ dir: config.paths.forge });
    case 'github': {
      const repos: Record<string, string> = {};
      for (const repo of config.repos) {
        const full = forge.repos[repo.name] ?? githubRepoOfRemote(repo.remote);
        if (full) repos[repo.name] = full;
      }
      return new GitHubForge({ client: githubClient(forge, env, 'forge.tokenEnv'), token: secret(env, forge.tokenEnv, 'forge.tokenEnv'), repos, draft: forge.draft, labels: forge.labels });
    }
  }
}

/** The agent CLI adapter named by `agent.kind`. */
export function createAgent(config: NightshiftConfig): AgentAdapter {
  switch (config.agent.kind) {
    case 'claude-code':
      return new ClaudeCodeAdapter({ command: config.agent.command, afterResultGraceMs: config.agent.afterResultGraceSec * 1000 });
  }
}

function githubClient(c: GitHubTrackerConfig | GitHubForgeConfig, env: NodeJS.ProcessEnv, setting: string) {
  return createGitHubClient({ token: secret(env, c.tokenEnv, setting), baseUrl: c.baseUrl, retries: c.retries, retryBaseMs: c.retryBaseMs, writeIntervalMs: c.writeIntervalMs });
}

function secret(env: NodeJS.ProcessEnv, name: string, setting: string): string {
  const value = env[name]?.trim();
  if (!value) throw new MissingSecretError(name, setting);
  return value;
}
