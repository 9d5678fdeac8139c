import type { Command } from 'commander';
import { createLocalBoard } from '@nightshift/wiring';
import { formatTable } from '../format-table';
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
    .action(
      withConfig(async (config, opts: { title: string; body: string; labels: string; state?: string; priority: string }) => {
        const ticket = await createLocalBoard(config).add({
          title: opts.title,
          description: opts.body,
          labels: opts.labels.split(',').map((l) => l.trim()).filter(Boolean),
          state: opts.state,
          priority: Number(opts.priority),
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
        const tickets = await createLocalBoard(config).list();
        if (opts.json) return void process.stdout.write(`${JSON.stringify(tickets, null, 2)}\n`);
        process.stdout.write(`${formatTable(['KEY', 'STATE', 'TITLE', 'LABELS'], tickets.map((t) => [t.key, t.state, t.title, t.labels.join(',')]))}\n`);
      }),
    );
  board
    .command('move <key> <state>')
    .description('move a ticket to a state')
    .action(
      withConfig(async (config, _opts: unknown, key: string, state: string) => {
        await createLocalBoard(config).moveTo(key, state);
        process.stdout.write(`${key} -> ${state}\n`);
      }),
    );
}
