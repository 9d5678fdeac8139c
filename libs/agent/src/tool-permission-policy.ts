import type { AgentPermissions } from './permission-args';

/** Reading, searching and editing inside the worktree: what any coding session needs. */
export const DEFAULT_ALLOWED_TOOLS: readonly string[] = [
  'Read',
  'Glob',
  'Grep',
  'LS',
  'Edit',
  'MultiEdit',
  'Write',
  'NotebookEdit',
  'TodoWrite',
];

/**
 * Refused on every launch whatever the config says (a deny rule wins over any allow rule): Nightshift alone
 * pushes, so the agent never pushes or force-pushes, and it never reads credential files.
 */
export const ALWAYS_DISALLOWED_TOOLS: readonly string[] = [
  'Bash(git push:*)',
  'Bash(git push --force:*)',
  'Bash(git push -f:*)',
  'Bash(git remote set-url:*)',
  'Read(~/.claude/**)',
  'Read(~/.claude.json)',
  'Read(~/.ssh/**)',
  'Read(~/.aws/**)',
  'Read(~/.config/gh/**)',
  'Read(~/.git-credentials)',
  'Read(~/.netrc)',
  'Read(~/.npmrc)',
  'Read(**/.env)',
  'Read(**/.env.*)',
];

export interface ToolPermissionInput {
  agent: {
    allowedTools?: readonly string[];
    disallowedTools?: readonly string[];
    mcpConfig?: string;
    appendSystemPrompt?: string;
  };
  repo: { allowedTools?: readonly string[]; disallowedTools?: readonly string[] };
}

/**
 * The permissions of one launch: the defaults, then the agent-wide rules and the repo's rules (each list
 * deduplicated, order kept), and nothing else: the worktree's own `.claude/settings.json` is not loaded (see
 * NIGHTSHIFT_SETTINGS_ARGS), and the repo's checks are not allowed by themselves. A check runs a script the agent
 * can edit (`package.json` "test" is any shell command), so `Bash(npm test:*)` would be a rule for anything;
 * the runner runs the checks and hands the agent their output. An operator who wants the agent to run one
 * names it in `allowedTools`.
 */
export function resolveToolPermissions(input: ToolPermissionInput): AgentPermissions {
  const allowed = [...DEFAULT_ALLOWED_TOOLS, ...(input.agent.allowedTools ?? []), ...(input.repo.allowedTools ?? [])];
  const denied = [
    ...ALWAYS_DISALLOWED_TOOLS,
    ...(input.agent.disallowedTools ?? []),
    ...(input.repo.disallowedTools ?? []),
  ];
  return {
    allowedTools: unique(allowed),
    disallowedTools: unique(denied),
    ...(input.agent.mcpConfig ? { mcpConfig: [input.agent.mcpConfig] } : {}),
    ...(input.agent.appendSystemPrompt ? { appendSystemPrompt: input.agent.appendSystemPrompt } : {}),
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter(Boolean))];
}
