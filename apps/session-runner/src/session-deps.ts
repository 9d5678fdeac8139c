import type { AgentAdapter, AuthPreflight, PodmanSandbox } from '@nightshift/agent';
import type { NightshiftConfig, RepoConfig } from '@nightshift/config';
import type { Forge } from '@nightshift/forge';
import type { Notifier } from '@nightshift/notify';
import type {
  Claims,
  EventLog,
  PauseStore,
  PushedHeads,
  RunStore,
  SessionRegistry,
  TicketCounters,
  WorktreeOwnership,
} from '@nightshift/state';
import type { Tracker } from '@nightshift/tracker';
import type { WorktreeClient } from '@nightshift/worktree-client';
import type { Logger } from 'pino';

import type { CancelWatcher } from './cancel-watcher';
import type { HeartbeatBatch } from './heartbeat-batch';
import type { SessionMemory } from './session-memory-client';
import type { SessionMetrics } from './session-metrics';

/** Everything a session needs, built once per process by main.ts. */
export interface SessionDeps {
  config: NightshiftConfig;
  host: string;
  tracker: Tracker;
  forge: Forge;
  agent: AgentAdapter;
  /** Adapters of repos whose `agent` is another CLI than `agent.kind`, by repo name (createRepoAgents). */
  repoAgents?: ReadonlyMap<string, AgentAdapter>;
  /** Adapters of the other CLIs `agent.escalation` may move a session to, by kind (createEscalationAgents). */
  kindAgents?: ReadonlyMap<string, AgentAdapter>;
  worktrees: WorktreeClient;
  /** This host's worktree records: a blocked push marks its worktree kept for a human. */
  ownership: WorktreeOwnership;
  claims: Claims;
  counters: TicketCounters;
  events: EventLog;
  runs: RunStore;
  /** Where the commit each push left is recorded: the lease a later rebase of the branch is pinned to. */
  pushedHeads?: PushedHeads;
  sessions: SessionRegistry;
  /** Every session's periodic heartbeat, one pipeline per round for the whole runner. */
  heartbeats: HeartbeatBatch;
  pauses: PauseStore;
  notifier: Notifier;
  auth: AuthPreflight;
  cancels: CancelWatcher;
  metrics: SessionMetrics;
  /** The Podman sandboxes of `sandbox: podman` launches (touches podman only when one opens). */
  sandbox?: PodmanSandbox;
  /** Absent when memory.enabled is false. */
  memory?: SessionMemory;
  logger: Logger;
}

export function repoConfig(deps: SessionDeps, name: string): RepoConfig {
  const repo = deps.config.repos.find((r) => r.name === name);
  if (!repo) throw new Error(`repo "${name}" is not in ${deps.config.file}`);
  return repo;
}

/** The adapter that runs a repo's sessions: its own CLI's, else the default one. */
export function agentOfRepo(deps: Pick<SessionDeps, 'agent' | 'repoAgents'>, repo: string): AgentAdapter {
  return deps.repoAgents?.get(repo) ?? deps.agent;
}
