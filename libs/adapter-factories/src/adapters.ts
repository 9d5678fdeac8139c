import {
  type AgentAdapter,
  type AgentKind,
  ClaudeCodeAdapter,
  CliAgentAdapter,
  CodexCli,
  GeminiCli,
  OpenCodeCli,
} from '@nightshift/agent';
import type { GitHubForgeConfig, GitHubTrackerConfig, NightshiftConfig } from '@nightshift/config';
import { commandOf, escalationChain, githubRepoOfRemote, repoAgent } from '@nightshift/config';
import { type Forge, GitHubForge, GitLabForge, LocalForge } from '@nightshift/forge';
import { createGitHubClient } from '@nightshift/github-client';
import { ContentBucket } from '@nightshift/state';
import {
  GitHubIssuesTracker,
  GitLabIssuesTracker,
  JiraTracker,
  LINEAR_PUBLISHED_LIMITS,
  LinearTracker,
  LocalBoard,
  type Tracker,
} from '@nightshift/tracker';
import type { Redis } from 'ioredis';

import { MissingSecretError } from './errors/missing-secret.error';

/** What a service shares with the adapters it builds: its Redis, through which GitHub writes are paced across hosts. */
export interface AdapterDeps {
  redis?: Redis;
}

/** The tracker named by `tracker.kind`. Tokens come from the environment variable the config names. */
export function createTracker(
  config: NightshiftConfig,
  env: NodeJS.ProcessEnv = process.env,
  deps: AdapterDeps = {},
): Tracker {
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
        hourlyBudget: { ...LINEAR_PUBLISHED_LIMITS[tracker.authKind], ...tracker.budget },
      });
    case 'github':
      return new GitHubIssuesTracker({
        client: githubClient(tracker, env, 'tracker.tokenEnv', deps),
        tokenEnv: tracker.tokenEnv,
        repos: tracker.repos,
        states: tracker.states,
        trust: { associations: tracker.trustedAssociations, authors: tracker.trustedAuthors },
      });
    case 'jira':
      return new JiraTracker({
        baseUrl: tracker.baseUrl,
        email: secret(env, tracker.emailEnv, 'tracker.emailEnv'),
        apiToken: secret(env, tracker.tokenEnv, 'tracker.tokenEnv'),
        tokenEnv: tracker.tokenEnv,
        projects: tracker.projects,
        states: tracker.states,
        pageSize: tracker.pageSize,
        requestsPerHour: tracker.budget.requestsPerHour,
      });
    case 'gitlab':
      return new GitLabIssuesTracker({
        baseUrl: tracker.baseUrl,
        token: secret(env, tracker.tokenEnv, 'tracker.tokenEnv'),
        tokenEnv: tracker.tokenEnv,
        projects: tracker.projects,
        states: tracker.states,
        requestsPerHour: tracker.budget.requestsPerHour,
      });
  }
}

/** The local board behind `tracker.kind: local` (the CLI's `board` commands work on it directly). */
export function createLocalBoard(config: NightshiftConfig): LocalBoard {
  return new LocalBoard({
    dir: config.paths.board,
    defaultState: config.tracker.states.queue[0],
    closedStates: [config.tracker.states.done],
  });
}

/** The forge named by `forge.kind`. With `deps.redis`, GitHub's content creations are paced by the token's shared bucket. */
export function createForge(
  config: NightshiftConfig,
  env: NodeJS.ProcessEnv = process.env,
  deps: AdapterDeps = {},
): Forge {
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
      return new GitHubForge({
        client: githubClient(forge, env, 'forge.tokenEnv', deps),
        token: secret(env, forge.tokenEnv, 'forge.tokenEnv'),
        repos,
        draft: forge.draft,
        labels: forge.labels,
        trust: Object.fromEntries(
          config.repos.map((r) => [r.name, { associations: r.trustedAssociations, authors: r.trustedAuthors }]),
        ),
      });
    }
    case 'gitlab':
      return new GitLabForge({
        baseUrl: forge.baseUrl,
        token: secret(env, forge.tokenEnv, 'forge.tokenEnv'),
        tokenEnv: forge.tokenEnv,
        projects: forge.projects,
        draft: forge.draft,
        labels: forge.labels,
        trust: Object.fromEntries(
          config.repos.map((r) => [r.name, { associations: r.trustedAssociations, authors: r.trustedAuthors }]),
        ),
      });
  }
}

/** The agent CLI adapter named by `agent.kind`. */
export function createAgent(config: NightshiftConfig): AgentAdapter {
  return agentAdapter(config, config.agent.kind, config.agent.command);
}

/** One adapter per repo whose `agent` differs from `agent.kind` (by repo name); the others use createAgent's. */
export function createRepoAgents(config: NightshiftConfig): Map<string, AgentAdapter> {
  const agents = new Map<string, AgentAdapter>();
  for (const repo of config.repos) {
    const chosen = repoAgent(config, repo);
    if (chosen.kind !== config.agent.kind || chosen.command !== config.agent.command)
      agents.set(repo.name, agentAdapter(config, chosen.kind, chosen.command));
  }
  return agents;
}

/** One adapter per CLI named in `agent.escalation`, by kind. */
export function createEscalationAgents(config: NightshiftConfig): Map<string, AgentAdapter> {
  const agents = new Map<string, AgentAdapter>();
  for (const { kind } of escalationChain(config))
    if (!agents.has(kind)) agents.set(kind, agentAdapter(config, kind, commandOf(config, kind)));
  return agents;
}

function agentAdapter(config: NightshiftConfig, kind: AgentKind, command: string): AgentAdapter {
  const options = { command, afterResultGraceMs: config.agent.afterResultGraceSec * 1000, prices: config.agent.prices };
  switch (kind) {
    case 'claude-code':
      return new ClaudeCodeAdapter(options);
    case 'codex':
      return new CliAgentAdapter(new CodexCli(), options);
    case 'gemini-cli':
      return new CliAgentAdapter(new GeminiCli(), options);
    case 'opencode':
      return new CliAgentAdapter(new OpenCodeCli(), options);
  }
}

function githubClient(
  c: GitHubTrackerConfig | GitHubForgeConfig,
  env: NodeJS.ProcessEnv,
  setting: string,
  deps: AdapterDeps,
) {
  return createGitHubClient({
    token: secret(env, c.tokenEnv, setting),
    baseUrl: c.baseUrl,
    retries: c.retries,
    retryBaseMs: c.retryBaseMs,
    writeIntervalMs: c.writeIntervalMs,
    contentPacer: deps.redis ? githubContentBucket(deps.redis, c) : undefined,
  });
}

/** The bucket every host shares for one GitHub token (named by its environment variable): 80/min and 500/h by default. */
export function githubContentBucket(redis: Redis, c: GitHubTrackerConfig | GitHubForgeConfig): ContentBucket {
  return new ContentBucket(redis, `github:${c.tokenEnv}`, [
    { max: c.contentLimits.perMinute, windowMs: 60_000 },
    { max: c.contentLimits.perHour, windowMs: 3_600_000 },
  ]);
}

function secret(env: NodeJS.ProcessEnv, name: string, setting: string): string {
  const value = env[name]?.trim();
  if (!value) throw new MissingSecretError(name, setting);
  return value;
}
