import { githubRepoOfRemote } from '@nightshift/config';

export interface InitAnswers {
  tracker: 'local' | 'linear' | 'github' | 'jira' | 'gitlab';
  forge: 'local' | 'github';
  linearTeams: string[];
  githubIssues: string[];
  /** Jira Cloud site and project keys (tracker jira). */
  jiraSite?: string;
  jiraProjects?: string[];
  /** GitLab instance root and project paths whose issues are tickets (tracker gitlab). */
  gitlabUrl?: string;
  gitlabProjects?: string[];
  repos: Array<{ name: string; remote: string; capability: string }>;
  hosts: Array<{ name: string; capabilities: string[]; slots: number }>;
  agentCommand: string;
  model: string;
  accounts: string[];
}

/** JSON scalars are valid YAML: every user-given value is quoted safely this way. */
const q = (value: string | number) => JSON.stringify(value);

/** A commented nightshift.yaml; docs/configuration.md has every key. */
export function renderInitConfig(a: InitAnswers): string {
  return [
    '# nightshift.yaml, written by `nightshift init`. Every key and its default: docs/configuration.md.',
    '# Secrets never go here: the file names the environment variables that hold them.',
    '',
    '# Board, forge records, worktrees, logs and the embedded Redis live here (relative to this file).',
    'dataDir: .nightshift',
    '',
    '# Where tickets come from. Nightshift takes tickets in the queue state and moves them along.',
    ...trackerLines(a),
    '',
    '# Where pull requests go: one per ticket, on the branch agent/<ticket>.',
    ...forgeLines(a),
    '',
    '# The repos the agents work on. A ticket is routed by a [repo] title prefix, then labels, then keywords.',
    'repos:',
    ...a.repos.flatMap((r) => [
      `  - name: ${q(r.name)}`,
      `    remote: ${q(r.remote)}`,
      '    baseBranch: main',
      `    capability: ${q(r.capability)}          # only hosts with this capability run its sessions`,
      '    keywords: []                  # words in a ticket that route it here',
      '    # checks: [{ name: tests, argv: ["npm", "test"] }]   # run before the PR; failures go back to the agent',
    ]),
    '',
    '# Machines that run sessions; each runs `slots` agents at once. The Mac serves `mobile`.',
    'hosts:',
    ...a.hosts.map(
      (h) => `  - { name: ${q(h.name)}, capabilities: [${h.capabilities.map(q).join(', ')}], slots: ${h.slots} }`,
    ),
    '',
    '# The coding agent. Every launch names its model: the cheap one first, the strong one after',
    '# `escalateAfter` spent attempts. Accounts are credential folders (CLAUDE_CONFIG_DIR), never copied.',
    'agent:',
    `  command: ${q(a.agentCommand)}`,
    `  model: ${q(a.model)}`,
    '  escalationModel: opus',
    '  escalateAfter: 2',
    '  accounts:',
    ...a.accounts.map((name) => `    - name: ${q(name)}                # configDir: /home/you/.claude-${name}`),
    '',
    '# Attempts per ticket before it goes to Needs Human; only task failures spend one.',
    'routing:',
    '  maxAttempts: 3',
    '',
    '# Spending caps in USD (unset: none). Over a cap, no new session starts for that scope.',
    '# budgets: { perTicketUsd: 5, perRepoDailyUsd: 50 }',
    '',
  ].join('\n');
}

function trackerLines(a: InitAnswers): string[] {
  if (a.tracker === 'linear') {
    return [
      'tracker:',
      '  kind: linear',
      '  tokenEnv: LINEAR_API_KEY         # the variable holding the API key',
      '  teams:',
      ...(a.linearTeams.length > 0 ? a.linearTeams : ['ENG']).map((key) => `    - key: ${q(key)}`),
    ];
  }
  if (a.tracker === 'github') {
    const repos =
      a.githubIssues.length > 0 ? a.githubIssues : a.repos.map((r) => r.remote).filter((r) => r.includes('github.com'));
    return [
      'tracker:',
      '  kind: github',
      '  tokenEnv: GITHUB_TOKEN           # the variable holding the token (issues: read and write)',
      '  repos:',
      ...(repos.length > 0 ? repos : ['OWNER/NAME']).map(
        (r) => `    - { repo: ${q(ownerName(r))}, keyPrefix: ${q(keyPrefixOf(ownerName(r)))} }`,
      ),
    ];
  }
  if (a.tracker === 'jira')
    return [
      'tracker:',
      '  kind: jira',
      `  baseUrl: ${q(a.jiraSite ?? 'https://YOUR-SITE.atlassian.net')}`,
      '  emailEnv: JIRA_EMAIL             # the Atlassian account the token belongs to',
      '  tokenEnv: JIRA_API_TOKEN         # browse, transition, comment, edit (docs/trackers.md)',
      `  projects: [${(a.jiraProjects?.length ? a.jiraProjects : ['ENG']).map(q).join(', ')}]`,
      '  # states: Jira status names; each must be reachable by a workflow transition (`nightshift doctor` checks)',
    ];
  if (a.tracker === 'gitlab')
    return [
      'tracker:',
      '  kind: gitlab',
      `  baseUrl: ${q(a.gitlabUrl ?? 'https://gitlab.com')}`,
      '  tokenEnv: GITLAB_TOKEN           # scope api',
      '  projects:',
      ...(a.gitlabProjects?.length ? a.gitlabProjects : ['GROUP/NAME']).map(
        (p) => `    - { project: ${q(p)}, keyPrefix: ${q(keyPrefixOf(p))} }`,
      ),
      '  # states: labels, scoped by default (nightshift::queue, nightshift::in-progress, …)',
    ];
  return [
    'tracker:',
    '  kind: local                      # a folder of ticket files: `nightshift board add|list|move`',
  ];
}

function forgeLines(a: InitAnswers): string[] {
  if (a.forge === 'github')
    return [
      'forge:',
      '  kind: github',
      '  tokenEnv: GITHUB_TOKEN           # contents and pull requests: read and write',
    ];
  return ['forge:', '  kind: local                      # PR records in a folder, branches pushed to the remotes'];
}

/** `owner/name` of a github.com remote; an `owner/name` given as is stays. */
function ownerName(remoteOrRepo: string): string {
  return githubRepoOfRemote(remoteOrRepo) ?? remoteOrRepo;
}

function keyPrefixOf(repo: string): string {
  const name = (repo.split('/').at(-1) ?? repo).toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return /^[A-Z]/.test(name) ? name : `GH_${name}`;
}
