import type { Command } from 'commander';

import type { InitOptions } from './init.action';

const collect = (value: string, previous: string[]) => [...previous, value];

/** `nightshift init`: writes a commented nightshift.yaml from flags, or from a few questions on a terminal. */
export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('write a commented nightshift.yaml (at --config) from flags or a few questions; never overwrites')
    .option('--tracker <kind>', 'local, linear, github, jira or gitlab')
    .option('--linear-team <key>', 'a Linear team key (repeat for more)', collect, [])
    .option(
      '--github-issues <owner/name>',
      'a GitHub repository whose issues are tickets (repeat for more)',
      collect,
      [],
    )
    .option('--jira-site <url>', 'the Jira Cloud site, e.g. https://acme.atlassian.net')
    .option('--jira-project <key>', 'a Jira project key whose issues are tickets (repeat for more)', collect, [])
    .option('--gitlab-url <url>', 'the GitLab instance root (default https://gitlab.com)')
    .option('--gitlab-project <group/name>', 'a GitLab project whose issues are tickets (repeat for more)', collect, [])
    .option('--forge <kind>', 'local or github')
    .option('--repo <name=remote[,capability]>', 'a repo Nightshift works on (repeat for more)', collect, [])
    .option(
      '--host <name:capabilities:slots>',
      'a host, e.g. box:linux:4 or mac:linux+mobile:2 (repeat for more)',
      collect,
      [],
    )
    .option('--agent-command <command>', 'path or PATH name of the agent CLI')
    .option('--model <model>', 'the model every launch names unless escalated')
    .option('--accounts <names>', 'comma-separated agent account names')
    .option('--yes', 'ask nothing: defaults for whatever no flag gives')
    .action(async (opts: InitOptions, command: Command) => {
      let root = command;
      while (root.parent) root = root.parent;
      const { init } = require('./init.action') as typeof import('./init.action');
      try {
        await init(root.opts<{ config: string }>().config, opts);
      } catch (err) {
        process.stderr.write(`nightshift: ${(err as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
