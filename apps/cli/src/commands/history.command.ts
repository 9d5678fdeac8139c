import type { Command } from 'commander';
import { withConfig } from '../with-config';

const actions = () => require('./history.action') as typeof import('./history.action');

/** `nightshift runs|prs|events`: what happened overnight. */
export function registerHistoryCommands(program: Command): void {
  program
    .command('runs')
    .description('agent runs: ticket, repo, host, model, attempt, outcome, duration, tokens, cost, PR')
    .option('--json', 'print JSON')
    .action(withConfig(async (config, opts: { json?: boolean }) => actions().listRuns(config, opts)));
  program
    .command('prs')
    .description('pull requests opened by Nightshift; --show N prints one with its body, as a reviewer sees it')
    .option('--json', 'print JSON')
    .option('--show <number>', 'print PR number N (with --repo when several repos have one)')
    .option('--repo <repo>', 'the repo of the PR to show')
    .action(withConfig(async (config, opts: { json?: boolean; show?: string; repo?: string }) => actions().listPrs(config, opts)));
  program
    .command('events')
    .description('the event stream: every transition, oldest first')
    .option('--follow', 'keep printing new events')
    .option('--json', 'print one JSON object per line')
    .action(withConfig(async (config, opts: { follow?: boolean; json?: boolean }) => actions().printEvents(config, opts)));
}
