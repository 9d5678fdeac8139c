import type { Command } from 'commander';

import { withConfig } from '../with-config';
import type { RetryOptions } from './retry.action';

/** `nightshift ticket|retry|logs`: one ticket, why it is where it is, and what its agent did. */
export function registerTicketCommands(program: Command): void {
  program
    .command('ticket <key>')
    .description('one ticket: state, repo, PR, attempts, pauses holding it, every run and every comment')
    .option('--json', 'print JSON')
    .action(
      withConfig(async (config, opts: { json?: boolean }, key: string) =>
        (require('./ticket.action') as typeof import('./ticket.action')).showTicket(config, key, opts),
      ),
    );
  program
    .command('retry <key>')
    .description('put a Needs Human ticket back in the queue, with a comment saying who and why')
    .option('--reset-attempts', 'give it its attempts back too')
    .option('--reason <text>', 'why, written in the comment')
    .option('--by <name>', 'who retries it (default: your user name)')
    .action(
      withConfig(async (config, opts: RetryOptions, key: string) =>
        (require('./retry.action') as typeof import('./retry.action')).retry(config, key, opts),
      ),
    );
  program
    .command('logs <ticket-or-run>')
    .description("an agent session's transcript, readable and redacted: a ticket's latest run, or a run by id")
    .option('--follow', 'keep printing until the run ends')
    .option('--raw', 'the stream-json lines as logged (redacted when written)')
    .action(
      withConfig(async (config, opts: { follow?: boolean; raw?: boolean }, target: string) =>
        (require('./logs.action') as typeof import('./logs.action')).showLogs(config, target, opts),
      ),
    );
}
