import type { NightshiftConfig } from '@nightshift/config';
import { LocalBoard, type Tracker } from '@nightshift/tracker';
import { LocalForge, type Forge } from '@nightshift/forge';
import { ClaudeCodeAdapter, type AgentAdapter } from '@nightshift/agent';

/** The tracker named by `tracker.kind`. */
export function createTracker(config: NightshiftConfig): Tracker {
  switch (config.tracker.kind) {
    case 'local':
      return new LocalBoard({ dir: config.paths.board, defaultState: config.tracker.states.queue[0] });
  }
}

/** The local board behind `tracker.kind: local` (the CLI's `board` commands work on it directly). */
export function createLocalBoard(config: NightshiftConfig): LocalBoard {
  return new LocalBoard({ dir: config.paths.board, defaultState: config.tracker.states.queue[0] });
}

/** The forge named by `forge.kind`. */
export function createForge(config: NightshiftConfig): Forge {
  switch (config.forge.kind) {
    case 'local':
      return new LocalForge({ dir: config.paths.forge });
  }
}

/** The agent CLI adapter named by `agent.kind`. */
export function createAgent(config: NightshiftConfig): AgentAdapter {
  switch (config.agent.kind) {
    case 'claude-code':
      return new ClaudeCodeAdapter({ command: config.agent.command });
  }
}
