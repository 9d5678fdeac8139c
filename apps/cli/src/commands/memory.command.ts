import type { Command } from 'commander';

import { withConfig } from '../with-config';

const actions = () => require('./memory.action') as typeof import('./memory.action');

/** `nightshift memory search|stats|forget`: what the swarm has learned, asked of the running memory-consolidator. */
export function registerMemoryCommands(program: Command): void {
  const memory = program
    .command('memory')
    .description('learnings recalled into prompts (needs a running memory-consolidator)');
  memory
    .command('search <query>')
    .description('the learnings a session about <query> would recall: the repo first, then others')
    .option('--repo <name>', 'scope to a repo first, as a session of that repo does')
    .option('--top <n>', 'how many', '10')
    .option('--json', 'print JSON')
    .action(
      withConfig(async (config, opts: { repo?: string; top: string; json?: boolean }, query: string) =>
        actions().search(config, opts, query),
      ),
    );
  memory
    .command('stats')
    .description('how many learnings, by status and repo; the last consolidation and the per-repo digests')
    .option('--repo <name>', 'one repo only')
    .option('--json', 'print JSON')
    .action(withConfig(async (config, opts: { repo?: string; json?: boolean }) => actions().stats(config, opts)));
  memory
    .command('forget <id>')
    .description('delete one learning (its full id, from `memory search`)')
    .action(withConfig(async (config, _opts: object, id: string) => actions().forget(config, id)));
}
