import type { Command } from 'commander';

import { withConfig } from '../with-config';
import type { ScopeOptions } from './pause.action';

const actions = () => require('./pause.action') as typeof import('./pause.action');

/** `nightshift pause|resume|status`: a human stops and starts the swarm, and sees why it waits. */
export function registerPauseCommands(program: Command): void {
  program
    .command('pause')
    .description('pause intake (default) or one agent account, for everyone on every host')
    .option('--account <name>', 'pause this agent account instead of intake')
    .option('--for <duration>', 'how long (90s, 30m, 2h); default: until `nightshift resume`')
    .option('--reason <text>', 'why, shown in status and notifications', 'paused by a human')
    .action(
      withConfig(async (config, opts: ScopeOptions & { for?: string; reason: string }) =>
        actions().pause(config, opts),
      ),
    );
  program
    .command('resume')
    .description('resume intake (default) or one agent account')
    .option('--account <name>', 'resume this agent account')
    .action(withConfig(async (config, opts: ScopeOptions) => actions().resume(config, opts)));
  program
    .command('status')
    .description('pauses (why, until when), running sessions and queue depths')
    .option('--json', 'print JSON')
    .action(
      withConfig(async (config, opts: { json?: boolean }) =>
        (require('./status.action') as typeof import('./status.action')).status(config, opts),
      ),
    );
}
