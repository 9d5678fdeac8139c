import type { Logger } from 'pino';
import type { NightshiftConfig, RepoConfig } from '@nightshift/config';
import type { Tracker } from '@nightshift/tracker';
import type { Forge } from '@nightshift/forge';
import type { AgentAdapter, AuthPreflight } from '@nightshift/agent';
import type { Notifier } from '@nightshift/notify';
import type { Claims, EventLog, PauseStore, RunStore, SessionRegistry, TicketCounters } from '@nightshift/state';
import type { WorktreeClient } from '@nightshift/worktree-client';
import type { SessionMetrics } from './session-metrics';
import type { CancelWatcher } from './cancel-watcher';
import type { SessionMemory } from './session-memory';
import type { HeartbeatBatch } from './heartbeat-batch';

/** Everything a session needs, built once per process by main.ts. */
export interface SessionDeps {
  config: NightshiftConfig;
  host: string;
  tracker: Tracker;
  forge: Forge;
  agent: AgentAdapter;
  worktrees: WorktreeClient;
  claims: Claims;
  counters: TicketCounters;
  events: EventLog;
  runs: RunStore;
  sessions: SessionRegistry;
  /** Every session's periodic heartbeat, one pipeline per round for the whole runner. */
  heartbeats: HeartbeatBatch;
  pauses: PauseStore;
  notifier: Notifier;
  auth: AuthPreflight;
  cancels: CancelWatcher;
  metrics: SessionMetrics;
  /** Absent when memory.enabled is false. */
  memory?: SessionMemory;
  logger: Logger;
}

export function repoConfig(deps: SessionDeps, name: string): RepoConfig {
  const repo = deps.config.repos.find((r) => r.name === name);
  if (!repo) throw new Error(`repo "${name}" is not in ${deps.config.file}`);
  return repo;
}
