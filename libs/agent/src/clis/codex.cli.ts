import type { AgentCli, LaunchPlan, LaunchRequest, StreamTranslator } from '../agent-cli';
import { UnexpressiblePermissionsError } from '../errors/unexpressible-permissions.error';
import { CodexTranslator } from './codex.stream';
import { isContained, promptWithSystemText, requireModel } from './permission-mapping';

/** Nightshift permission mode → Codex `--sandbox` (exec never asks: approvals are `never`). */
const CODEX_SANDBOX: Readonly<Record<string, string>> = {
  plan: 'read-only',
  default: 'workspace-write',
  acceptEdits: 'workspace-write',
  dontAsk: 'workspace-write',
  auto: 'workspace-write',
};

/**
 * OpenAI Codex CLI, `codex exec --json -` (the `-` reads the prompt from stdin). Codex has no per-tool rules: its
 * OS sandbox bounds writes to the worktree and cuts the network, but any shell command runs and any file the user
 * can read is readable, so Nightshift's deny rules (credential files, `git push`) cannot be expressed. It is
 * therefore launched only contained (Podman or a declared disposable machine), and refused otherwise.
 */
export class CodexCli implements AgentCli {
  readonly kind = 'codex' as const;
  readonly capabilities = {
    permissions: 'no per-tool rules: every shell command runs inside its sandbox; refused unless contained',
    sandbox:
      '--sandbox read-only (plan) | workspace-write; bypassPermissions → --dangerously-bypass-approvals-and-sandbox',
    cost: 'tokens only (turn.completed usage); cost estimated from agent.prices',
  };

  plan(req: LaunchRequest): LaunchPlan {
    const model = requireModel(req);
    if (!isContained(req))
      throw new UnexpressiblePermissionsError(
        this.kind,
        req.permissions?.disallowedTools.length ? req.permissions.disallowedTools : ['(tool allowlist)'],
        'Codex has no per-tool allow or deny rules; under its own sandbox it still runs any command and reads any file the user can',
      );
    if (req.permissions?.mcpConfig?.length)
      throw new UnexpressiblePermissionsError(
        this.kind,
        ['mcpConfig'],
        'Codex takes MCP servers from its config.toml only',
      );
    const access =
      req.permissionMode === 'bypassPermissions'
        ? ['--dangerously-bypass-approvals-and-sandbox']
        : ['--sandbox', sandboxFor(req.permissionMode), '-c', 'approval_policy="never"'];
    return {
      args: ['exec', '--json', '--model', model, ...access, '--skip-git-repo-check', '-'],
      env: {},
      stdin: promptWithSystemText(req),
    };
  }

  translator(): StreamTranslator {
    return new CodexTranslator();
  }
}

function sandboxFor(mode: string): string {
  const sandbox = CODEX_SANDBOX[mode];
  if (!sandbox) throw new UnexpressiblePermissionsError('codex', [`permissionMode ${mode}`], 'Codex has no such mode');
  return sandbox;
}
