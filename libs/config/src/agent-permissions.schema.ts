import { z } from 'zod';

import { agentSandboxSetting } from './sandbox.schema';

/**
 * One Claude Code permission rule: a tool name, optionally with a specifier in parentheses
 * (`Read`, `Bash(npm run test:*)`, `Read(~/.ssh/**)`, `mcp__github__create_issue`). Each rule is its own
 * list entry: a comma list would be split by the CLI in the wrong places.
 */
const toolRule = z
  .string()
  .trim()
  .regex(/^[A-Za-z][\w-]*(\(.+\))?$/, {
    error:
      'a tool rule is a tool name with an optional specifier, e.g. "Read" or "Bash(npm test:*)": one rule per list entry',
  });

export const toolRules = z.array(toolRule).default([]);

/** `agent.*` permission settings: added to the built-in defaults (see resolveToolPermissions in @nightshift/agent). */
export const agentPermissionFields = {
  /** Rules run without asking, on every repo, on top of the defaults (reading and editing). */
  allowedTools: toolRules,
  /** Rules refused on every repo, on top of the built-in denies (push, force-push, credential files). */
  disallowedTools: toolRules,
  /** An MCP server config file for `--mcp-config` (relative to this file). */
  mcpConfig: z.string().min(1).optional(),
  /** Text appended to the agent's system prompt (`--append-system-prompt`). */
  appendSystemPrompt: z.string().min(1).optional(),
  /** `podman` (each agent in its own container), `none` (default) or `external`; see sandbox.schema. Guards bypassPermissions. */
  sandbox: agentSandboxSetting,
};

/** `repos[].*` permission settings: this repo's rules, on top of the agent-wide ones. */
export const repoPermissionFields = {
  allowedTools: toolRules,
  disallowedTools: toolRules,
};
