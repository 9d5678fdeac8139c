import type { LaunchRequest } from '../agent-cli';
import { MissingModelError } from '../errors/missing-model.error';
import { ALWAYS_DISALLOWED_TOOLS, DEFAULT_ALLOWED_TOOLS } from '../tool-permission-policy';

/** A Claude-style rule split into its tool and its specifier: `Bash(npm test:*)` → Bash, `npm test:*`. */
export interface ParsedRule {
  rule: string;
  tool: string;
  spec?: string;
}

/** Splits a rule; a bare tool name has no specifier. */
export function parseRule(rule: string): ParsedRule {
  const match = /^([A-Za-z_][\w-]*)\((.*)\)$/.exec(rule.trim());
  return match ? { rule, tool: match[1]!, spec: match[2] } : { rule, tool: rule.trim() };
}

/** A shell rule's command prefix: `npm test:*` → `npm test`, `git status` → `git status`. */
export function commandPrefix(spec: string): string {
  return spec
    .replace(/:\*$/, '')
    .replace(/\s*\*$/, '')
    .trim();
}

/** True where something outside the CLI contains the agent: Nightshift's Podman sandbox, or a declared disposable machine. */
export function isContained(req: LaunchRequest): boolean {
  return req.sandboxMode === 'podman' || req.sandboxMode === 'external';
}

/** The model, checked: a launch never falls back to a CLI's default model. */
export function requireModel(req: LaunchRequest): string {
  if (!req.model || !req.model.trim()) throw new MissingModelError();
  return req.model;
}

/** The request's rules beyond Nightshift's defaults, i.e. the ones an operator added. */
export function addedRules(req: LaunchRequest): { allowed: string[]; denied: string[] } {
  const p = req.permissions;
  return {
    allowed: (p?.allowedTools ?? []).filter((r) => !DEFAULT_ALLOWED_TOOLS.includes(r)),
    denied: (p?.disallowedTools ?? []).filter((r) => !ALWAYS_DISALLOWED_TOOLS.includes(r)),
  };
}

/**
 * The prompt a CLI without a system-prompt flag receives: the operator's appended system prompt first, marked as
 * such, then the task.
 */
export function promptWithSystemText(req: LaunchRequest): string {
  const extra = req.permissions?.appendSystemPrompt;
  return extra ? `<operator-instructions>\n${extra}\n</operator-instructions>\n\n${req.prompt}` : req.prompt;
}
