import type { AgentRunRequest } from './agent-adapter';
import type { AgentKind } from './agent-kind';

/** The parts of a launch request that decide a CLI's argv. */
export type LaunchRequest = Pick<
  AgentRunRequest,
  'model' | 'maxTurns' | 'permissionMode' | 'permissions' | 'maxBudgetUsd' | 'prompt' | 'sandboxMode'
>;

/** How one launch is made: arguments after the command, variables added to the request's env, and stdin. */
export interface LaunchPlan {
  args: string[];
  env: Record<string, string>;
  /** Written to the CLI's stdin, then closed (the prompt, never in argv: E2BIG and `ps`). */
  stdin: string;
}

/**
 * Turns one stdout line of a CLI into canonical stream-json lines (Claude Code's shape: `system`/`assistant`/
 * `user`/`result`), the run record every later stage reads (usage, result, tool calls for the stall watchdog,
 * permission denials). Stateful: one per session.
 */
export interface StreamTranslator {
  translate(line: string): string[];
  /** Lines to add once the process has exited (e.g. a result event the CLI never printed). */
  finish?(exitCode: number | null): string[];
}

/** What a CLI can and cannot express, as the docs table states it. */
export interface CliCapabilities {
  permissions: string;
  sandbox: string;
  cost: string;
}

/** One coding-agent CLI: its argv, permission mapping and output format. `CliAgentAdapter` runs any of them. */
export interface AgentCli {
  readonly kind: AgentKind;
  readonly capabilities: CliCapabilities;
  /** The launch for a request; throws MissingModelError or UnexpressiblePermissionsError rather than run looser. */
  plan(req: LaunchRequest): LaunchPlan;
  /** A fresh translator for one session; null when the CLI already prints canonical stream-json. */
  translator(): StreamTranslator | null;
  /** A plain line explaining an exit code the CLI documents (Gemini's 41/42/53), added to the tail for the classifier. */
  describeExit?(exitCode: number): string | undefined;
}
