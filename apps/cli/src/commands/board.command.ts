import type { Command } from 'commander';
import type { NightshiftConfig } from '@nightshift/config';
import { createLocalBoard } from '@nightshift/wiring';
import { printList } from '../format-table';
import { withConfig } from '../with-config';

/** `nightshift board add|list|move`: the local board, the tracker of the embedded defaults. */
export function registerBoardCommands(program: Command): void {
  const board = program.command('board').description('the local ticket board');
  board
    .command('add')
    .description('add a ticket; prints its key')
    .requiredOption('--title <title>', 'ticket title; a [repo] prefix routes it')
    .option('--body <body>', 'ticket description', '')
    .option('--labels <labels>', 'comma-separated labels', '')
    .option('--state <state>', 'initial state (default: the first queue state)')
    .option('--priority <n>', '1 (urgent) to 4 (low); 0 = none', '0')
    .option('--blocked-by <keys>', 'comma-separated keys of tickets that must be Done first', '')
    .action(
      withConfig(async (config, opts: { title: string; body: string; labels: string; state?: string; priority: string; blockedBy: string }) => {
        const ticket = await localBoard(config).add({
          title: opts.title,
          description: opts.body,
          labels: opts.labels.split(',').map((l) => l.trim()).filter(Boolean),
          state: opts.state,
          priority: Number(opts.priority),
          blockedBy: opts.blockedBy.split(',').map((k) => k.trim()).filter(Boolean),
        });
        process.stdout.write(`${ticket.key}\n`);
      }),
    );
  board
    .command('list')
    .description('list every ticket')
    .option('--json', 'print JSON')
    .action(
      withConfig(async (config, opts: { json?: boolean }) => {
        const tickets = await localBoard(config).list();
        printList(tickets, opts.json, ['KEY', 'STATE', 'TITLE', 'LABELS'], (t) => [t.key, t.state, t.title, t.labels.join(',')]);
      }),
    );
  board
    .command('move <key> <state>')
    .description('move a ticket to a state')
    .action(
      withConfig(async (config, _opts: unknown, key: string, state: string) => {
        await localBoard(config).moveTo(key, state);
        process.stdout.write(`${key} -> ${state}\n`);
      }),
    );
}

/** The local board; with another tracker configured, these commands would edit a board nobody reads. */
function localBoard(config: NightshiftConfig) {
  if (config.tracker.kind !== 'local') {
    throw new Error(`board commands work on the local board, but ${config.file} sets tracker.kind: ${config.tracker.kind}; use ${config.tracker.kind === 'linear' ? 'Linear' : 'GitHub Issues'} itself`);
  }
  return createLocalBoard(config);
}
