import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { ConfigError, parseConfig } from '@nightshift/config';

import { parseHostFlag, parseRepoFlag, type PartialAnswers, withDefaults } from './init-answers';
import { askForAnswers } from './init-questions';
import { renderInitConfig } from './init-template';

export interface InitOptions {
  tracker?: string;
  linearTeam: string[];
  githubIssues: string[];
  jiraSite?: string;
  jiraProject: string[];
  gitlabUrl?: string;
  gitlabProject: string[];
  forge?: string;
  repo: string[];
  host: string[];
  agentCommand?: string;
  model?: string;
  accounts?: string;
  yes?: boolean;
}

/** Builds the answers from flags (asking on a terminal for what is missing), validates the result, writes it once. */
export async function init(configPath: string, opts: InitOptions): Promise<void> {
  const file = path.resolve(configPath);
  const flags = answersFromFlags(opts);
  const interactive = !opts.yes && process.stdin.isTTY === true;
  const answers = interactive ? await askForAnswers(flags) : withDefaults(flags);
  if (answers.repos.length === 0)
    throw new Error(
      'no repo given: pass --repo NAME=REMOTE (repeat for more), or run `nightshift init` on a terminal to be asked',
    );
  const text = renderInitConfig(answers);
  try {
    parseConfig(text, file);
  } catch (err) {
    if (err instanceof ConfigError)
      throw new Error(`these answers do not make a valid config (nothing written): ${err.message}`);
    throw err;
  }
  try {
    writeFileSync(file, text, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new Error(`${file} exists; init never overwrites: move it away or pass --config NEW.yaml`);
    throw err;
  }
  process.stdout.write(
    `wrote ${file}\nnext: \`nightshift --config ${configPath} doctor\`, then \`nightshift --config ${configPath} up\`\n`,
  );
}

function answersFromFlags(opts: InitOptions): PartialAnswers {
  const oneOf = <T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined => {
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value))
      throw new Error(`--${flag} "${value}" is not one of ${allowed.join(', ')}`);
    return value as T;
  };
  return {
    tracker: oneOf('tracker', opts.tracker, ['local', 'linear', 'github', 'jira', 'gitlab'] as const),
    forge: oneOf('forge', opts.forge, ['local', 'github'] as const),
    linearTeams: opts.linearTeam,
    githubIssues: opts.githubIssues,
    jiraSite: opts.jiraSite,
    jiraProjects: opts.jiraProject,
    gitlabUrl: opts.gitlabUrl,
    gitlabProjects: opts.gitlabProject,
    repos: opts.repo.map(parseRepoFlag),
    hosts: opts.host.map(parseHostFlag),
    agentCommand: opts.agentCommand,
    model: opts.model,
    accounts: opts.accounts
      ?.split(',')
      .map((a) => a.trim())
      .filter(Boolean),
  };
}
