import os from 'node:os';

import type { InitAnswers } from './init-template';

/** What flags gave; the rest is asked or defaulted. */
export type PartialAnswers = Partial<InitAnswers> &
  Pick<InitAnswers, 'repos' | 'hosts' | 'linearTeams' | 'githubIssues'>;

export function withDefaults(a: PartialAnswers): InitAnswers {
  return {
    tracker: a.tracker ?? 'local',
    forge: a.forge ?? 'local',
    linearTeams: a.linearTeams,
    githubIssues: a.githubIssues,
    jiraSite: a.jiraSite,
    jiraProjects: a.jiraProjects ?? [],
    gitlabUrl: a.gitlabUrl,
    gitlabProjects: a.gitlabProjects ?? [],
    repos: a.repos,
    hosts: a.hosts.length > 0 ? a.hosts : [defaultHost()],
    agentCommand: a.agentCommand ?? 'claude',
    model: a.model ?? 'sonnet',
    accounts: a.accounts && a.accounts.length > 0 ? a.accounts : ['default'],
  };
}

export function defaultHost(): InitAnswers['hosts'][number] {
  const name =
    os
      .hostname()
      .split('.')[0]!
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '') || 'local';
  return { name, capabilities: ['linux'], slots: Math.max(1, Math.min(8, os.cpus().length)) };
}

export function parseRepoFlag(value: string): InitAnswers['repos'][number] {
  const m = /^([^=]+)=([^,]+)(?:,(.+))?$/.exec(value);
  if (!m) throw new Error(`--repo "${value}" is not NAME=REMOTE[,CAPABILITY] (e.g. api=git@github.com:acme/api.git)`);
  return { name: m[1]!.trim(), remote: m[2]!.trim(), capability: m[3]?.trim() ?? 'linux' };
}

export function parseHostFlag(value: string): InitAnswers['hosts'][number] {
  const m = /^([^:]+):([^:]+):(\d+)$/.exec(value);
  if (!m) throw new Error(`--host "${value}" is not NAME:CAPABILITIES:SLOTS (e.g. mac:linux+mobile:2)`);
  return { name: m[1]!, capabilities: m[2]!.split('+'), slots: Number(m[3]) };
}
