import { AGENT_CREDENTIAL_ENV, type AgentKind } from '@nightshift/domain';

import type { NightshiftConfig } from './load-config';
import type { AccountConfig, RepoConfig } from './schema';

/** What every agent gets from the director's environment, whatever the config says: enough to run tools, nothing that reaches a service. */
export const AGENT_BASE_ENV = ['PATH', 'HOME', 'USER', 'SHELL', 'LANG', 'LANGUAGE', 'TERM', 'TMPDIR'] as const;
const LOCALE = /^LC_[A-Z_]+$/;

/** The variable an account's API key reaches Claude Code under (each CLI's own: AGENT_CREDENTIAL_ENV). */
export const AGENT_API_KEY_ENV = AGENT_CREDENTIAL_ENV['claude-code'].apiKey!;

export interface AgentEnvInput {
  config: Pick<NightshiftConfig, 'agent' | 'forge'>;
  /** The repo the agent works on: its `agentEnv` is added. */
  repo?: Pick<RepoConfig, 'agentEnv'> & Partial<Pick<RepoConfig, 'agent'>>;
  /** The account the session runs as: its credential settings only. */
  account?: AccountConfig;
  /** Nightshift's own per-launch variables (session identity, hook kind, sandbox marker), added last. */
  extra?: Record<string, string>;
  /** The director's environment; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The one allowlist of what an agent, and the hooks and checks run in its worktree, see: the base variables,
 * the account's credential settings, the bot's git identity, then `agent.env` and the repo's `agentEnv`, then
 * Nightshift's own. Nothing else of the director's environment (tracker, forge, Slack, operator API, Qdrant,
 * Redis) ever reaches it, whatever is added to the director later.
 */
export function agentEnv(input: AgentEnvInput): Record<string, string> {
  const env = input.env ?? process.env;
  const out: Record<string, string> = {};
  const take = (name: string) => {
    const value = env[name];
    if (typeof value === 'string') out[name] = value;
  };
  for (const name of AGENT_BASE_ENV) take(name);
  for (const name of Object.keys(env)) if (LOCALE.test(name)) take(name);
  Object.assign(out, accountCredentialEnv(input.repo?.agent?.kind ?? input.config.agent.kind, input.account, env));
  const author = input.config.forge.commitAuthor;
  // Commits the agent makes itself carry the bot's identity, never the host's.
  Object.assign(out, {
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  });
  for (const list of [input.config.agent.env, input.repo?.agentEnv]) {
    if (!list) continue;
    for (const name of list.pass) take(name);
    Object.assign(out, list.set);
  }
  return { ...out, ...input.extra };
}

/**
 * The chosen account's own credential settings, under the names its CLI reads: its config dir (or the director's
 * default one) and its API key.
 */
function accountCredentialEnv(
  kind: AgentKind,
  account: AccountConfig | undefined,
  env: NodeJS.ProcessEnv,
): Record<string, string> {
  const names = AGENT_CREDENTIAL_ENV[kind];
  const out: Record<string, string> = {};
  const configDir = account?.configDir ?? env[names.configDir];
  if (configDir) out[names.configDir] = configDir;
  const key = account?.apiKeyEnv ? env[account.apiKeyEnv] : undefined;
  if (key && account?.apiKeyEnv) out[names.apiKey ?? account.apiKeyEnv] = key;
  return out;
}

/** The names an agent working on `repo` (default: every repo) will see, for `nightshift doctor`; values are never shown. */
export function agentEnvNames(
  config: Pick<NightshiftConfig, 'agent' | 'forge'> & { repos: Array<Pick<RepoConfig, 'agentEnv'>> },
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const names = new Set<string>();
  const accounts = config.agent.accounts.length ? config.agent.accounts : [undefined];
  for (const account of accounts)
    for (const repo of config.repos)
      for (const name of Object.keys(agentEnv({ config, repo, account, env }))) names.add(name);
  return [...names].sort();
}
