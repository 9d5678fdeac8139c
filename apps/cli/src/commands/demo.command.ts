import type { Command } from 'commander';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('lay out a demo (sample repos and tickets) and run Nightshift on it')
    .option('--dir <dir>', 'where the demo lives', 'nightshift-demo')
    .option('--agent <command>', 'agent CLI to run (default: the built-in fake agent)')
    .action(async (opts: { dir: string; agent?: string }) =>
      (require('./demo.action') as typeof import('./demo.action')).demo(opts.dir, opts.agent),
    );
}
