import { existsSync } from 'node:fs';

import {
  type AgentPermissions,
  assertPermissionModeAllowed,
  resolveToolPermissions,
  type SandboxMode,
} from '@nightshift/agent';
import { type NightshiftConfig, type RepoConfig, resolveSandboxMode } from '@nightshift/config';

/**
 * Refuses a runner whose agent settings cannot be honoured: `bypassPermissions` for any repo a host would run
 * outside a sandbox, or an MCP config file that is not there. Called by the session-runner at startup (its own
 * host) and by `nightshift up` (every configured host) before it starts anything, so the operator learns it
 * before the first night. Returns the warnings to log loudly (an `external` sandbox nothing checks).
 */
export function assertAgentSettings(config: NightshiftConfig, hostName?: string): string[] {
  const warnings = new Set<string>();
  for (const host of config.hosts.filter((h) => hostName === undefined || h.name === hostName)) {
    for (const repo of config.repos.filter((r) => host.capabilities.includes(r.capability))) {
      const sandbox = resolveSandboxMode(config, host.name, repo);
      const where = `repo ${repo.name} on host ${host.name}`;
      const { warning } = assertPermissionModeAllowed({ permissionMode: config.agent.permissionMode, sandbox, where });
      if (warning) warnings.add(warning);
    }
  }
  const mcp = config.agent.mcpConfig;
  if (mcp && !mcp.trimStart().startsWith('{') && !existsSync(mcp)) {
    throw new Error(`agent.mcpConfig file ${mcp} does not exist: create it or fix agent.mcpConfig in ${config.file}`);
  }
  return [...warnings];
}

/** The permission flags, sandbox mode and extra environment of one launch in `repo` on `hostName`. */
export function launchPermissions(
  config: NightshiftConfig,
  repo: RepoConfig,
  hostName?: string,
): { permissions: AgentPermissions; env: Record<string, string>; sandbox: SandboxMode } {
  const sandbox = resolveSandboxMode(config, hostName, repo);
  const { env } = assertPermissionModeAllowed({ permissionMode: config.agent.permissionMode, sandbox });
  // Checks the runner runs are not auto-allowed to the agent: it could edit the script a check runs.
  return { permissions: resolveToolPermissions({ agent: config.agent, repo }), env, sandbox };
}
