import type { Command } from 'commander';

import { withConfig } from '../with-config';
import type { CheckOptions, ReviewOptions } from './review.action';

const actions = () => require('./review.action') as typeof import('./review.action');

/** `nightshift review comment|check`: what a reviewer or CI says on a local-forge PR (it brings a follow-up session). */
export function registerReviewCommands(program: Command): void {
  const review = program
    .command('review')
    .description('review comments and CI results on pull requests of the local forge');
  review
    .command('comment <repo> <number>')
    .description('a reviewer comments on PR <number> of <repo>')
    .requiredOption('--body <text>', 'what the reviewer says')
    .option('--author <name>', 'who says it', 'reviewer')
    .option('--path <file>', 'the file a line comment is on')
    .option('--line <n>', 'the line a line comment is on')
    .option('--changes-requested', 'a review that requests changes')
    .action(
      withConfig(async (config, opts: ReviewOptions, repo: string, number: string) =>
        actions().addReviewComment(config, repo, number, opts),
      ),
    );
  review
    .command('check <repo> <number>')
    .description('CI reports a check result on PR <number> of <repo>')
    .requiredOption('--name <name>', 'the check')
    .option('--conclusion <c>', 'success, failure, timed_out or cancelled', 'failure')
    .option('--log-file <path>', 'a file holding its output (its tail goes to the agent)')
    .action(
      withConfig(async (config, opts: CheckOptions, repo: string, number: string) =>
        actions().addCheck(config, repo, number, opts),
      ),
    );
}
