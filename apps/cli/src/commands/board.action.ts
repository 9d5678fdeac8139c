import type { NightshiftConfig } from '@nightshift/config';
import { LocalBoard } from '@nightshift/tracker';

import { assertConfiguredState } from '../board-states';
import { printList } from '../format-table';

export interface AddOptions {
  title: string;
  body: string;
  labels: string;
  state?: string;
  priority: string;
  blockedBy: string;
}

export async function addTicket(config: NightshiftConfig, opts: AddOptions): Promise<void> {
  const ticket = await localBoard(config).add({
    title: opts.title,
    description: opts.body,
    labels: opts.labels
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean),
    state: opts.state === undefined ? undefined : assertConfiguredState(config, opts.state),
    priority: Number(opts.priority),
    blockedBy: opts.blockedBy
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
  });
  process.stdout.write(`${ticket.key}\n`);
}

export async function listTickets(config: NightshiftConfig, opts: { json?: boolean }): Promise<void> {
  const tickets = await localBoard(config).list();
  printList(tickets, opts.json, ['KEY', 'STATE', 'TITLE', 'LABELS'], (t) => [
    t.key,
    t.state,
    t.title,
    t.labels.join(','),
  ]);
}

export async function moveTicket(config: NightshiftConfig, key: string, state: string): Promise<void> {
  await localBoard(config).moveTo(key, assertConfiguredState(config, state));
  process.stdout.write(`${key} -> ${state}\n`);
}

/**
 * The local board, built here rather than through wiring's createLocalBoard: wiring loads every
 * adapter (Linear, Octokit, BullMQ), which would triple `board add`'s start-up.
 */
function localBoard(config: NightshiftConfig): LocalBoard {
  // With another tracker configured, these commands would edit a board nobody reads.
  if (config.tracker.kind !== 'local') {
    throw new Error(
      `board commands work on the local board, but ${config.file} sets tracker.kind: ${config.tracker.kind}; use ${config.tracker.kind === 'linear' ? 'Linear' : 'GitHub Issues'} itself`,
    );
  }
  return new LocalBoard({
    dir: config.paths.board,
    defaultState: config.tracker.states.queue[0],
    closedStates: [config.tracker.states.done],
  });
}
