import { existsSync } from 'node:fs';
import { assertPermissionModeAllowed, resolveToolPermissions, type AgentPermissions } from '@nightshift/agent';
import type { NightshiftConfig, RepoConfig } from '@nightshift/config';

/**
 * Refuses a runner whose agent settings cannot be honoured: `bypassPermissions` outside a sandbox, or an MCP
 * config file that is not there. Called by the session-runner at startup and by `nightshift up` before it
 * starts anything, so the operator learns it before the first night.
 */
export function assertAgentSettings(config: NightshiftConfig): void {
  assertPermissionModeAllowed(config.agent);
  const mcp = config.agent.mcpConfig;
  if (mcp && !mcp.trimStart().startsWith('{') && !existsSync(mcp)) {
    throw new Error(`agent.mcpConfig file ${mcp} does not exist: create it or fix agent.mcpConfig in ${config.file}`);
  }
}

/** The permission flags and extra environment of one launch in `repo`. */
export function launchPermissions(config: NightshiftConfig, repo: RepoConfig): { permissions: AgentPermissions; env: Record<string, string> } {
  const env = assertPermissionModeAllowed(config.agent);
  return { permissions: resolveToolPermissions({ agent: config.agent, repo, checks: declaredChecks(repo) }), env };
}

/** The repo's declared checks (`repos[].checks`) as argv arrays: the agent may run each of them. */
function declaredChecks(repo: RepoConfig): string[][] {
  return repo.checks.map((c) => c.argv);
}
