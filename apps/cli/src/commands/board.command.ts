import type { Command } from 'commander';

import { withConfig } from '../with-config';
import type { AddOptions } from './board.action';

const actions = () => require('./board.action') as typeof import('./board.action');

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
    .action(withConfig(async (config, opts: AddOptions) => actions().addTicket(config, opts)));
  board
    .command('list')
    .description('list every ticket')
    .option('--json', 'print JSON')
    .action(withConfig(async (config, opts: { json?: boolean }) => actions().listTickets(config, opts)));
  board
    .command('move <key> <state>')
    .description('move a ticket to a state')
    .action(
      withConfig(async (config, _opts: unknown, key: string, state: string) =>
        actions().moveTicket(config, key, state),
      ),
    );
}
