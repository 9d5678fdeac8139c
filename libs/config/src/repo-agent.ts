import { AGENT_DEFAULT_COMMAND, type AgentKind, type AgentPolicy, VENDOR_KIND } from '@nightshift/domain';

import type { NightshiftConfig } from './load-config';
import type { RepoConfig } from './schema';

/** The binary of a CLI: `agent.command` for `agent.kind`, else `agent.commands[kind]`, else its usual name. */
export function commandOf(config: Pick<NightshiftConfig, 'agent'>, kind: AgentKind): string {
  if (kind === config.agent.kind) return config.agent.command;
  return config.agent.commands[kind] ?? AGENT_DEFAULT_COMMAND[kind];
}

/** `agent.escalation` as CLI and model, in order. */
export function escalationChain(config: Pick<NightshiftConfig, 'agent'>): Array<{ kind: AgentKind; model: string }> {
  return config.agent.escalation.map((entry) => {
    const at = entry.indexOf(':');
    return { kind: VENDOR_KIND[entry.slice(0, at)]!, model: entry.slice(at + 1) };
  });
}

/** The agent CLI a repo's sessions run: the repo's own `agent`, else `agent.kind` with its command and models. */
export interface RepoAgent {
  kind: AgentKind;
  command: string;
  model: string;
  escalationModel: string;
  escalateAfter: number;
}

/** One place decides which CLI, binary and models a repo uses (router and session-runner alike). */
export function repoAgent(
  config: Pick<NightshiftConfig, 'agent'>,
  repo: Pick<RepoConfig, 'agent'> | undefined,
): RepoAgent {
  const own = repo?.agent;
  const { agent } = config;
  if (!own || (own.kind === agent.kind && !own.command && own.model === agent.model))
    return {
      kind: agent.kind,
      command: agent.command,
      model: agent.model,
      escalationModel: agent.escalationModel,
      escalateAfter: agent.escalateAfter,
    };
  return {
    kind: own.kind,
    command: own.command ?? commandOf(config, own.kind),
    model: own.model,
    escalationModel: own.escalationModel ?? own.model,
    escalateAfter: agent.escalateAfter,
  };
}

/** What `chooseAgent` needs of a repo: its CLI and models, the CLIs it allows, and the escalation chain. */
export function agentPolicy(
  config: Pick<NightshiftConfig, 'agent'>,
  repo: Pick<RepoConfig, 'agent' | 'agents'>,
): AgentPolicy {
  const own = repoAgent(config, repo);
  return { ...own, allowed: repo.agents, chain: escalationChain(config) };
}
