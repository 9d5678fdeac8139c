import type { AgentCli, LaunchPlan, LaunchRequest, StreamTranslator } from '../agent-cli';
import { UnexpressiblePermissionsError } from '../errors/unexpressible-permissions.error';
import { GeminiTranslator } from './gemini.stream';
import { commandPrefix, isContained, parseRule, promptWithSystemText, requireModel } from './permission-mapping';

/** Nightshift permission mode → `--approval-mode` (packages/cli/src/config/config.ts). */
const APPROVAL: Readonly<Record<string, string>> = {
  plan: 'plan',
  default: 'default',
  dontAsk: 'default',
  acceptEdits: 'auto_edit',
  auto: 'auto_edit',
  bypassPermissions: 'yolo',
};

/** Claude Code tool names → Gemini CLI's (packages/core/src/tools/definitions). */
const TOOL: Readonly<Record<string, string>> = {
  Read: 'read_file',
  Glob: 'glob',
  Grep: 'grep_search',
  LS: 'list_directory',
  Edit: 'replace',
  MultiEdit: 'replace',
  Write: 'write_file',
  TodoWrite: 'write_todos',
  WebFetch: 'web_fetch',
  WebSearch: 'google_web_search',
};

/** Documented exit codes (packages/core/src/utils/errors.ts): the error class names are what the taxonomy keys on. */
const EXITS: Readonly<Record<number, string>> = {
  41: 'gemini-cli exit code 41: FatalAuthenticationError',
  42: 'gemini-cli exit code 42: FatalInputError (the CLI refused its input)',
  44: 'gemini-cli exit code 44: FatalSandboxError',
  52: 'gemini-cli exit code 52: FatalConfigError',
  53: 'gemini-cli exit code 53: FatalTurnLimitedError (turn limit reached)',
};

/**
 * Google Gemini CLI headless: `gemini --output-format stream-json`, the prompt on stdin (a non-TTY stdin makes it
 * headless; `-p` would put the prompt in argv). Allow rules map to `--allowed-tools` (shell rules as
 * `run_shell_command(prefix)`); in headless default/auto_edit modes any other shell command is refused, so deny
 * rules hold as long as no allow rule covers them. Deny rules on files inside the worktree (`Read(**\/.env)`) have
 * no flag: such a launch runs only contained.
 */
export class GeminiCli implements AgentCli {
  readonly kind = 'gemini-cli' as const;
  readonly capabilities = {
    permissions:
      'allow rules via --allowed-tools (shell by command prefix); no deny flag: in-worktree file deny rules need containment',
    sandbox: '--approval-mode plan | default | auto_edit | yolo (bypassPermissions); its own --sandbox is not used',
    cost: 'tokens only (result stats); cost estimated from agent.prices',
  };

  plan(req: LaunchRequest): LaunchPlan {
    const model = requireModel(req);
    const approval = APPROVAL[req.permissionMode];
    if (!approval)
      throw new UnexpressiblePermissionsError(
        this.kind,
        [`permissionMode ${req.permissionMode}`],
        'Gemini CLI has no such mode',
      );
    if (req.permissions?.mcpConfig?.length)
      throw new UnexpressiblePermissionsError(
        this.kind,
        ['mcpConfig'],
        'Gemini CLI takes MCP servers from settings.json only',
      );
    const allowed = (req.permissions?.allowedTools ?? []).map(parseRule);
    const unexpressible = isContained(req) ? [] : this.unexpressibleDenials(req, allowed);
    if (unexpressible.length > 0)
      throw new UnexpressiblePermissionsError(
        this.kind,
        unexpressible,
        'Gemini CLI has no deny flag, and its file tools may read any file inside the worktree',
      );
    const tools = [...new Set(allowed.map(toGeminiTool).filter((t): t is string => t !== undefined))];
    return {
      args: [
        '--model',
        model,
        '--output-format',
        'stream-json',
        '--approval-mode',
        approval,
        ...(tools.length > 0 ? ['--allowed-tools', ...tools] : []),
      ],
      env: {},
      stdin: promptWithSystemText(req),
    };
  }

  translator(): StreamTranslator {
    return new GeminiTranslator();
  }

  describeExit(exitCode: number): string | undefined {
    return EXITS[exitCode];
  }

  /** Deny rules a headless Gemini launch would not honour. */
  private unexpressibleDenials(req: LaunchRequest, allowed: ReturnType<typeof parseRule>[]): string[] {
    const shellAllows = allowed.filter((r) => r.tool === 'Bash').map((r) => (r.spec ? commandPrefix(r.spec) : ''));
    return (req.permissions?.disallowedTools ?? []).filter((rule) => {
      const { tool, spec } = parseRule(rule);
      if (tool === 'Bash') {
        const denied = spec ? commandPrefix(spec) : '';
        // Refused anyway unless an allow rule covers it (a bare Bash allow covers everything).
        return shellAllows.some((allow) => allow === '' || denied.startsWith(allow));
      }
      if (tool === 'Read' || tool === 'Edit' || tool === 'Write') {
        // Its file tools stay inside the workspace: a rule on a path outside it (~/…, /…) holds.
        return !spec || !(spec.startsWith('~') || spec.startsWith('/'));
      }
      return TOOL[tool] !== undefined && allowed.some((a) => a.tool === tool);
    });
  }
}

function toGeminiTool(rule: ReturnType<typeof parseRule>): string | undefined {
  if (rule.tool === 'Bash') return rule.spec ? `run_shell_command(${commandPrefix(rule.spec)})` : 'run_shell_command';
  return TOOL[rule.tool];
}
