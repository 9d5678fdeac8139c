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
