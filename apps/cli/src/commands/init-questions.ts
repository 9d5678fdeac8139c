import { createInterface } from 'node:readline/promises';

import { defaultHost, parseHostFlag, type PartialAnswers, withDefaults } from './init-answers';
import type { InitAnswers } from './init-template';

/** Asks on the terminal for what no flag gave; Enter takes the default shown in brackets. */
export async function askForAnswers(given: PartialAnswers): Promise<InitAnswers> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const ask = async (question: string, fallback: string) =>
    (await rl.question(`${question} [${fallback}]: `)).trim() || fallback;
  try {
    const tracker =
      given.tracker ??
      ((await ask('Tracker (local, linear, github, jira, gitlab)', 'local')) as InitAnswers['tracker']);
    const linearTeams =
      tracker === 'linear' && given.linearTeams.length === 0
        ? [await ask('Linear team key', 'ENG')]
        : given.linearTeams;
    const jiraSite =
      tracker === 'jira' && !given.jiraSite
        ? await ask('Jira site', 'https://YOUR-SITE.atlassian.net')
        : given.jiraSite;
    const jiraProjects =
      tracker === 'jira' && !given.jiraProjects?.length ? [await ask('Jira project key', 'ENG')] : given.jiraProjects;
    const gitlabProjects =
      tracker === 'gitlab' && !given.gitlabProjects?.length
        ? [await ask('GitLab project (group/name)', 'GROUP/NAME')]
        : given.gitlabProjects;
    const forge =
      given.forge ??
      ((await ask(
        'Forge for pull requests (local, github)',
        tracker === 'github' ? 'github' : 'local',
      )) as InitAnswers['forge']);
    const repos = [...given.repos];
    // Asked only when no --repo was given: one at a time until an empty name (at least one).
    for (let asking = repos.length === 0; asking;) {
      const name = (await rl.question(`Repo name${repos.length > 0 ? ' (Enter to finish)' : ''}: `)).trim();
      if (!name) {
        asking = repos.length === 0;
        continue;
      }
      const remote = await ask(`  git remote of ${name}`, `git@github.com:OWNER/${name}.git`);
      const capability = await ask('  capability (linux, or mobile for iOS/Android work)', 'linux');
      repos.push({ name, remote, capability });
    }
    const host = defaultHost();
    const hosts =
      given.hosts.length > 0
        ? given.hosts
        : [
            parseHostFlag(
              await ask(
                'This host as NAME:CAPABILITIES:SLOTS',
                `${host.name}:${host.capabilities.join('+')}:${host.slots}`,
              ),
            ),
          ];
    const agentCommand = given.agentCommand ?? (await ask('Agent CLI', 'claude'));
    return withDefaults({
      ...given,
      tracker,
      forge,
      linearTeams,
      jiraSite,
      jiraProjects,
      gitlabProjects,
      repos,
      hosts,
      agentCommand,
    });
  } finally {
    rl.close();
  }
}
