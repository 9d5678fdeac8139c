import type { AgentCli, LaunchPlan, LaunchRequest, StreamTranslator } from '../agent-cli';
import { UnexpressiblePermissionsError } from '../errors/unexpressible-permissions.error';
import { OpenCodeTranslator } from './opencode.stream';
import { commandPrefix, parseRule, promptWithSystemText, requireModel } from './permission-mapping';

type Action = 'allow' | 'deny';

/**
 * OpenCode headless: `opencode run --format json --model provider/model`, the prompt on stdin (a non-TTY stdin is
 * read as the message). Its permission config expresses Nightshift's rules (bash by command pattern, edit,
 * read by path pattern, external_directory for paths outside the worktree); it goes in
 * `OPENCODE_CONFIG_CONTENT`, which OpenCode merges over its config files. Nothing is left to ask: a headless
 * run has nobody to answer, so what is not allowed is denied.
 */
export class OpenCodeCli implements AgentCli {
  readonly kind = 'opencode' as const;
  readonly capabilities = {
    permissions:
      'all default rules: permission.bash / edit / read patterns, external_directory deny (OPENCODE_CONFIG_CONTENT)',
    sandbox: 'none of its own (Nightshift runs it in Podman when agent.sandbox: podman); plan → edit and bash denied',
    cost: 'printed by the CLI (step_finish cost)',
  };

  plan(req: LaunchRequest): LaunchPlan {
    const model = requireModel(req);
    if (!model.includes('/'))
      throw new UnexpressiblePermissionsError(
        this.kind,
        [`model ${model}`],
        'OpenCode names models as provider/model (e.g. anthropic/claude-sonnet-4-5)',
      );
    if (req.permissions?.mcpConfig?.length)
      throw new UnexpressiblePermissionsError(
        this.kind,
        ['mcpConfig'],
        'OpenCode takes MCP servers from its own config only',
      );
    return {
      args: ['run', '--format', 'json', '--model', model],
      env: { OPENCODE_CONFIG_CONTENT: JSON.stringify({ permission: openCodePermission(req) }) },
      stdin: promptWithSystemText(req),
    };
  }

  translator(): StreamTranslator {
    return new OpenCodeTranslator();
  }
}

/** Nightshift's rules as OpenCode's `permission` object (the last matching pattern wins, so denials come last). */
export function openCodePermission(req: LaunchRequest): Record<string, unknown> {
  const bypass = req.permissionMode === 'bypassPermissions';
  const readOnly = req.permissionMode === 'plan';
  const allowed = (req.permissions?.allowedTools ?? []).map(parseRule);
  const denied = (req.permissions?.disallowedTools ?? []).map(parseRule);
  const bash: Record<string, Action> = {
    '*': bypass || allowed.some((r) => r.tool === 'Bash' && !r.spec) ? 'allow' : 'deny',
  };
  for (const r of allowed) if (r.tool === 'Bash' && r.spec) bash[`${commandPrefix(r.spec)}*`] = 'allow';
  for (const r of denied) if (r.tool === 'Bash') bash[r.spec ? `${commandPrefix(r.spec)}*` : '*'] = 'deny';
  const read: Record<string, Action> = { '*': 'allow' };
  let outside: Action = 'allow';
  for (const r of denied) {
    if (r.tool !== 'Read' || !r.spec) continue;
    if (r.spec.startsWith('~') || r.spec.startsWith('/')) outside = 'deny';
    else read[r.spec.replace(/^\*\*\//, '*')] = 'deny';
  }
  const canEdit = bypass || allowed.some((r) => ['Edit', 'Write', 'MultiEdit'].includes(r.tool));
  return {
    edit: readOnly || !canEdit ? 'deny' : 'allow',
    bash: readOnly ? { '*': 'deny' } : bash,
    read,
    external_directory: outside === 'deny' ? 'deny' : bypass ? 'allow' : 'deny',
    webfetch: bypass || allowed.some((r) => r.tool === 'WebFetch') ? 'allow' : 'deny',
  };
}
