import type { Outcome, TokenUsage } from '@nightshift/domain';

/** How the prompt fitted agent.maxPromptTokens: its estimated size and every part that was cut. */
export interface PromptReport {
  estimatedTokens: number;
  budgetTokens: number;
  cuts: Array<{
    part: 'title' | 'description' | 'comments' | 'rules' | 'learnings' | 'review' | 'repair';
    of: string;
    keptBytes: number;
    cutBytes: number;
  }>;
}

/** One agent launch as stored for `nightshift runs` and the metrics. */
export interface RunRecord {
  runId: string;
  tickets: string[];
  repo: string;
  host: string;
  model: string;
  /** The agent CLI that ran (agent.kind); unset on records written before there was more than one. */
  agent?: string;
  attempt: number;
  /** Which execution of the session job this is: 1, then +1 for a rerun after a rate limit or a runner crash. */
  execution?: number;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  outcome?: Outcome;
  reason?: string;
  /**
   * Set while the agent has ended but the run has not: the outcome above is the agent's verdict, and the
   * checks, push and PR (or the failure's moves) are still to come. The run's last save clears it.
   */
  settling?: true;
  usage?: TokenUsage;
  costUsd?: number;
  /** Set when costUsd is an estimate from agent.prices (the CLI printed no cost). */
  costEstimated?: boolean;
  prUrl?: string;
  /** The branch the session worked on (a batch's PR head); unset on records written before it was kept. */
  branch?: string;
  logPath?: string;
  /** Agent account whose credentials the session used. */
  account?: string;
  /** The prompt's size against its budget, and what was cut to fit. */
  prompt?: PromptReport;
  /** What a successful run pushed: the diffstat's summary line (`3 files changed, …`); memory keeps it as part of the fix. */
  changes?: string;
  /** The last few lines of the agent's output (redacted), for the Needs Human summary. */
  lastLines?: string;
  /** Set when the stall watchdog killed the run: why, and what the stream showed last (redacted). */
  stall?: { cause: 'silence' | 'tool_overdue' | 'no_cpu'; reason: string; lastSeen: string; silentMs: number };
  /** Tool calls the agent was not allowed to make, as `Bash(npm test)` (redacted); absent when none. */
  permissionDenials?: string[];
  /** Set when the agent ran in a Podman sandbox: its image, container, and the connections its proxy refused. */
  sandbox?: {
    mode: 'podman';
    image: string;
    container: string;
    egressDenied: number;
    /** `host:port` of each refused connection (deduplicated, at most 20). */
    deniedHosts: string[];
  };
}
