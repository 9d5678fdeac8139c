import type { Command } from 'commander';

import { withConfig } from '../with-config';
import type { RunsOptions } from './history.action';

const actions = () => require('./history.action') as typeof import('./history.action');

/** `nightshift runs|prs|events`: what happened overnight. */
export function registerHistoryCommands(program: Command): void {
  program
    .command('runs')
    .description('agent runs: start, ticket, repo, host, model, attempt, outcome, duration, tokens, cost, PR, reason')
    .option('--ticket <key>', 'only runs of this ticket')
    .option('--repo <repo>', 'only runs in this repo')
    .option('--since <when>', 'only runs started since: a duration back from now (12h) or a date')
    .option('--by <group>', 'instead of the runs, their totals per ticket, repo or night')
    .option('--json', 'print JSON')
    .action(withConfig(async (config, opts: RunsOptions) => actions().listRuns(config, opts)));
  program
    .command('prs')
    .description('pull requests opened by Nightshift; --show N prints one with its body, as a reviewer sees it')
    .option('--json', 'print JSON')
    .option('--show <number>', 'print PR number N (with --repo when several repos have one)')
    .option('--repo <repo>', 'the repo of the PR to show')
    .action(
      withConfig(async (config, opts: { json?: boolean; show?: string; repo?: string }) =>
        actions().listPrs(config, opts),
      ),
    );
  program
    .command('events')
    .description('the event stream: every transition, oldest first')
    .option('--follow', 'keep printing new events')
    .option('--json', 'print one JSON object per line')
    .action(
      withConfig(async (config, opts: { follow?: boolean; json?: boolean }) => actions().printEvents(config, opts)),
    );
}
