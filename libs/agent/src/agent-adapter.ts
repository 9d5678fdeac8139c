import type { TokenUsage } from '@nightshift/domain';

import type { AgentKind } from './agent-kind';
import type { AgentPermissions } from './permission-args';
import type { PermissionDenial } from './result-denials';
import type { SpawnLayer } from './sandbox/agent-spawn';
import type { SandboxMode } from './sandbox-policy';
import type { ResultEvent, StreamEvent } from './stream-events';

/** One agent launch: where, with what prompt and model, and how long it may take. */
export interface AgentRunRequest {
  runId: string;
  /** The worktree the agent works in. */
  cwd: string;
  prompt: string;
  /** Always explicit: a launch without a model would run on the CLI's (expensive) default. */
  model: string;
  maxTurns: number;
  permissionMode: string;
  /** The CLI stops the session once it has spent this much (`--max-budget-usd`); unset: no cap. */
  maxBudgetUsd?: number;
  /** Tool rules, MCP servers and an appended system prompt, passed as the CLI's own flags. */
  permissions?: AgentPermissions;
  /** Overall deadline; on expiry the whole process group is killed. */
  timeoutMs: number;
  /** File that receives stdout and stderr as they arrive (its folder is created). */
  logPath: string;
  /** The agent's whole environment (built by `agentEnv` in @nightshift/config): nothing of the runner's is inherited. */
  env: Record<string, string>;
  /** Where the launch runs (none, podman, external): CLIs that cannot express every rule run only contained. */
  sandboxMode?: SandboxMode;
  /** Runs the agent in a sandbox (a Podman container) instead of as a plain child of the runner. */
  sandbox?: SpawnLayer;
  /** Abort kills the process group; the run then resolves with canceled = true. */
  signal?: AbortSignal;
  /**
   * Called once with the pid (= process group id) right after spawn, e.g. to register it with the reaper.
   * If it throws, the group is killed and run() rejects with that error.
   */
  onSpawn?: (pid: number) => void;
  /** Called on every chunk of output, e.g. to heartbeat or detect stalls; errors it throws are ignored. */
  onOutput?: () => void;
  /** Called with every parsed stream event as it arrives (tool calls opening and closing); errors it throws are ignored. */
  onEvent?: (event: StreamEvent) => void;
}

/** What happened, as raw facts; `classifyOutcome` turns them into an Outcome. */
export interface AgentRunResult {
  /** Command and arguments exactly as launched (the prompt is not among them: it goes on stdin). */
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  timedOut: boolean;
  canceled: boolean;
  /** Set when the process could not be started at all (missing binary, not executable, missing cwd). */
  spawnError?: string;
  /** The session reported its result but did not exit within the grace period, so it was killed. */
  killedAfterResult?: boolean;
  /** Last ~8 KB of stdout+stderr, starting at a line boundary. */
  tail: string;
  /** Parsed JSON lines, at most the last ~200. */
  events: StreamEvent[];
  result?: ResultEvent;
  usage: TokenUsage;
  /** The CLI's own total cost; null when the session ended without a result event or the CLI prints none. */
  costUsd: number | null;
  /** Set when costUsd was estimated from the config's price table (the CLI printed no cost). */
  costEstimated?: boolean;
  sessionId?: string;
  /** Tool calls the CLI refused (result event and stream merged); empty when none. */
  permissionDenials: PermissionDenial[];
}

/** A coding-agent CLI behind one interface (Claude Code, Codex, Gemini CLI, OpenCode: see CliAgentAdapter). */
export interface AgentAdapter {
  readonly kind: AgentKind;
  /** Runs one session to its end; resolves for anything the agent or the OS does (spawn failures included). */
  run(req: AgentRunRequest): Promise<AgentRunResult>;
}
