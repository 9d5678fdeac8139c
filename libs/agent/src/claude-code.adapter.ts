import type { AgentRunRequest } from './agent-adapter';
import type { AgentCli, LaunchPlan, LaunchRequest } from './agent-cli';
import { CliAgentAdapter, type CliAgentAdapterOptions } from './cli-agent.adapter';
import { requireModel } from './clis/permission-mapping';
import { NIGHTSHIFT_SETTINGS_ARGS, permissionArgs } from './permission-args';

export type ClaudeCodeAdapterOptions = CliAgentAdapterOptions;

/**
 * Claude Code headless (`-p --output-format stream-json`): its stream is the canonical run record, and it expresses
 * every Nightshift rule with its own flags (`--permission-mode`, `--allowedTools`, `--disallowedTools`).
 */
export class ClaudeCodeCli implements AgentCli {
  readonly kind = 'claude-code' as const;
  readonly capabilities = {
    permissions: 'all: --permission-mode, --allowedTools / --disallowedTools per rule, --mcp-config',
    sandbox: 'none of its own (Nightshift runs it in Podman when agent.sandbox: podman)',
    cost: 'printed by the CLI (result total_cost_usd)',
  };

  /** The model is always named, so the CLI never falls back to its default (`-p` with no argument reads stdin). */
  args(req: Omit<LaunchRequest, 'prompt' | 'sandboxMode'>): string[] {
    const model = requireModel(req as LaunchRequest);
    return [
      '-p',
      '--model',
      model,
      '--output-format',
      'stream-json',
      '--verbose',
      '--max-turns',
      String(req.maxTurns),
      '--permission-mode',
      req.permissionMode,
      ...(req.maxBudgetUsd === undefined ? [] : ['--max-budget-usd', String(req.maxBudgetUsd)]),
      ...NIGHTSHIFT_SETTINGS_ARGS,
      ...permissionArgs(req.permissions),
    ];
  }

  plan(req: LaunchRequest): LaunchPlan {
    return { args: this.args(req), env: {}, stdin: req.prompt };
  }

  translator(): null {
    return null;
  }
}

/** Runs Claude Code; `buildArgs` shows the exact arguments of a launch (the prompt travels on stdin). */
export class ClaudeCodeAdapter extends CliAgentAdapter {
  constructor(private readonly claudeOptions: ClaudeCodeAdapterOptions) {
    super(new ClaudeCodeCli(), claudeOptions);
  }

  buildArgs(
    req: Pick<AgentRunRequest, 'model' | 'maxTurns' | 'permissionMode' | 'permissions' | 'maxBudgetUsd'>,
  ): string[] {
    return [...new ClaudeCodeCli().args(req), ...(this.claudeOptions.extraArgs ?? [])];
  }
}
