/** What a launch may do, beyond its permission mode: the CLI's own permission flags. */
export interface AgentPermissions {
  /** Claude Code rules (`Read`, `Bash(npm test:*)`) run without asking. */
  allowedTools: string[];
  /** Rules refused even when an allow rule or the mode would let them through. */
  disallowedTools: string[];
  /** MCP server config files (or JSON strings) for `--mcp-config`. */
  mcpConfig?: string[];
  /** Text added to the CLI's system prompt (`--append-system-prompt`). */
  appendSystemPrompt?: string;
}

/**
 * The permission flags of a launch, one argv element per rule (never a shell string, never a comma list: a
 * rule such as `Bash(npm run test:*)` holds a space). An empty list adds no flag at all: the CLI refuses a
 * variadic flag with no value.
 */
export function permissionArgs(p: AgentPermissions | undefined): string[] {
  if (!p) return [];
  const args: string[] = [];
  if (p.allowedTools.length > 0) args.push('--allowedTools', ...p.allowedTools);
  if (p.disallowedTools.length > 0) args.push('--disallowedTools', ...p.disallowedTools);
  if (p.mcpConfig && p.mcpConfig.length > 0) args.push('--mcp-config', ...p.mcpConfig);
  if (p.appendSystemPrompt) args.push('--append-system-prompt', p.appendSystemPrompt);
  return args;
}

/**
 * Settings of every launch: Nightshift's only. `--setting-sources ''` loads none of the user's, the project's or the
 * local settings files, so a `.claude/settings.json` the agent writes in its worktree (allow rules, hooks, an
 * `apiKeyHelper`) never applies, in this round or a repair round or retry after it; `--settings` turns hooks off
 * whatever else applies; `--strict-mcp-config` ignores a `.mcp.json` in the worktree (only `--mcp-config` counts).
 * Managed (policy) settings, the operator's, still apply: the CLI always loads them.
 */
export const NIGHTSHIFT_SETTINGS_ARGS: readonly string[] = [
  '--setting-sources',
  '',
  '--settings',
  JSON.stringify({ disableAllHooks: true }),
  '--strict-mcp-config',
];
