import type { Command } from 'commander';
import { withConfig } from '../with-config';

export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description('start every service on this machine (Ctrl-C stops them all)')
    .action(withConfig(async (config) => (require('./up.action') as typeof import('./up.action')).up(config)));
}
