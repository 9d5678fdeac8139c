import type { AgentPermissions } from './permission-args';

/** Reading, searching and editing inside the worktree: what any coding session needs. */
export const DEFAULT_ALLOWED_TOOLS: readonly string[] = ['Read', 'Glob', 'Grep', 'LS', 'Edit', 'MultiEdit', 'Write', 'NotebookEdit', 'TodoWrite'];

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
  agent: { allowedTools?: readonly string[]; disallowedTools?: readonly string[]; mcpConfig?: string; appendSystemPrompt?: string };
  repo: { allowedTools?: readonly string[]; disallowedTools?: readonly string[] };
  /** The repo's declared checks as argv arrays (`[npm, test]`): the agent may run each, with any arguments after. */
  checks?: ReadonlyArray<readonly string[]>;
}

/**
 * The permissions of one launch: the defaults, then the agent-wide rules, the repo's rules and its checks
 * (each list deduplicated, order kept). The repo's own `.claude/settings.json` still applies on top: the CLI
 * reads it from the worktree.
 */
export function resolveToolPermissions(input: ToolPermissionInput): AgentPermissions {
  const allowed = [...DEFAULT_ALLOWED_TOOLS, ...(input.agent.allowedTools ?? []), ...(input.repo.allowedTools ?? []), ...(input.checks ?? []).map(checkRule)];
  const denied = [...ALWAYS_DISALLOWED_TOOLS, ...(input.agent.disallowedTools ?? []), ...(input.repo.disallowedTools ?? [])];
  return {
    allowedTools: unique(allowed),
    disallowedTools: unique(denied),
    ...(input.agent.mcpConfig ? { mcpConfig: [input.agent.mcpConfig] } : {}),
    ...(input.agent.appendSystemPrompt ? { appendSystemPrompt: input.agent.appendSystemPrompt } : {}),
  };
}

/** `[npm, run, test]` → `Bash(npm run test:*)`; an argument with spaces or quotes is single-quoted as a shell would need it. */
export function checkRule(argv: readonly string[]): string {
  const words = argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`));
  return `Bash(${words.join(' ')}:*)`;
}

function unique(values: string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter(Boolean))];
}
