import type { Command } from 'commander';

import { withConfig } from '../with-config';

export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description('start every service on this machine (Ctrl-C stops them all)')
    .option('--json', "print every service's JSON log lines (the default when the output is not a terminal)")
    .option('--readable', 'one line per transition plus warnings (the default on a terminal)')
    .action(
      withConfig(async (config, opts: { json?: boolean; readable?: boolean }) =>
        (require('./up.action') as typeof import('./up.action')).up(config, {
          ...(opts.json ? { format: 'json' as const } : opts.readable ? { format: 'readable' as const } : {}),
        }),
      ),
    );
}
