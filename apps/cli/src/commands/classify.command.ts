import type { Command } from 'commander';

import type { ClassifyOptions } from './classify.action';

export function registerClassifyCommand(program: Command): void {
  program
    .command('classify <file>')
    .description('classify a saved agent output the way the session-runner does')
    .option('--duration-ms <n>', 'how long the session ran')
    .option('--exit-code <n>', "the agent's exit code")
    .option('--now <iso>', 'the instant to compute the next reset from')
    .action((file: string, opts: ClassifyOptions) => {
      try {
        const { classifyFile } = require('./classify.action') as typeof import('./classify.action');
        process.stdout.write(`${JSON.stringify(classifyFile(file, opts))}\n`);
      } catch (err) {
        process.stderr.write(`nightshift classify: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 2;
      }
    });
}
