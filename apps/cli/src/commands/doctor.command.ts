import type { Command } from 'commander';

import { withConfig } from '../with-config';

/** `nightshift doctor`: one line per check with the fix; exit 1 on any failure. */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      'check this host: Node, git, Redis, clock, disk, the agent CLI and its logins, tracker and forge tokens, repo remotes',
    )
    .action(
      withConfig(async (config) => (require('./doctor.action') as typeof import('./doctor.action')).doctor(config)),
    );
}
