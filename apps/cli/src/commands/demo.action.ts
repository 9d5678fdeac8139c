import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { createLocalBoard } from '@nightshift/adapter-factories';
import { loadConfig } from '@nightshift/config';
import { makeBareRemote } from '@nightshift/git';

import { up } from './up.action';

/** The test double of the agent CLI shipped in the repo; the demo uses it unless told otherwise. */
export const FAKE_AGENT = path.resolve(__dirname, '../../../../tools/fake-claude/fake-claude.js');

const SAMPLE_REPOS: Record<string, Record<string, string>> = {
  api: {
    'README.md': '# api\n',
    'src/server.js': 'module.exports = {};\n',
    'CLAUDE.md': 'Keep handlers small. Add a test for every endpoint.\n',
  },
  web: {
    'README.md': '# web\n',
    'src/app.js': 'export const app = 1;\n',
    'AGENTS.md': 'Use the design tokens; never inline colours.\n',
  },
  docs: { 'README.md': '# docs\n', 'guide.md': '# Guide\n' },
};

interface SampleTicket {
  title: string;
  description: string;
  labels?: string[];
}

const SAMPLE_TICKETS: SampleTicket[] = [
  { title: '[api] Add a /health endpoint', description: 'Return 200 with the build sha.' },
  { title: 'Paginate the venues endpoint', description: 'Default page size 25.', labels: ['backend'] },
  { title: '[web] Fix the blue button contrast', description: 'Fails WCAG AA.' },
  { title: 'Document the release process', description: 'Step by step.', labels: ['docs'] },
  { title: '[ios] Crash on launch', description: 'No repo for this one: Nightshift says why and skips it.' },
];

/**
 * What a night looks like, played by the fake agent (its directives: tools/fake-claude/README.md):
 * a failure the stronger model fixes, one nobody fixes (Needs Human, with a summary), a lesson
 * learned from a failure and recalled on the retry, and a rate limit that pauses the account until
 * its reset and then resumes. Only for the fake agent: a real one would take the directives as text.
 */
function nightTickets(now: number): SampleTicket[] {
  const reset = Math.floor(now / 1000) + RATE_LIMIT_RESET_SEC;
  return [
    {
      title: '[api] Add rate limiting to the login endpoint',
      description: `Fails on the cheap model; Nightshift escalates to the stronger one, which succeeds.\nfake-agent: fail only-model=sonnet`,
    },
    {
      title: '[web] Migrate the settings page to the new router',
      description: `Fails on every attempt: after the last one it goes to Needs Human with a summary.\nfake-agent: fail`,
    },
    {
      title: '[api] Store created_at on orders',
      description: `The first attempt fails and says why; the retry works out the fix, and memory keeps it for the next ticket that meets the same failure.\nfake-agent: pitfall=stale-lockfile discover=2`,
    },
    {
      title: '[docs] Write the API changelog',
      description: `The agent hits its usage limit: the account pauses until the reset, then the work resumes.\nfake-agent: rate-limit reset=${reset}`,
    },
  ];
}

/** Far enough ahead that the services are up when the limit is hit, near enough to see the resume. */
const RATE_LIMIT_RESET_SEC = 45;

/**
 * Lays out a self-contained demo in `dir` (three local repos as remotes, a config, a board with
 * sample tickets), then runs `up` on it. Re-running keeps what is there.
 */
export async function demo(dir: string, agentCommand: string | undefined): Promise<void> {
  const root = path.resolve(dir);
  mkdirSync(root, { recursive: true });
  const configFile = path.join(root, 'nightshift.yaml');
  if (!existsSync(configFile)) {
    for (const [name, files] of Object.entries(SAMPLE_REPOS)) {
      const remote = path.join(root, 'remotes', `${name}.git`);
      if (!existsSync(remote)) await makeBareRemote(remote, files);
    }
    writeFileSync(configFile, demoConfig(agentCommand ?? FAKE_AGENT, root));
  }
  const config = loadConfig(configFile);
  const board = createLocalBoard(config);
  if ((await board.list()).length === 0) {
    const tickets =
      config.agent.command === FAKE_AGENT ? [...SAMPLE_TICKETS, ...nightTickets(Date.now())] : SAMPLE_TICKETS;
    for (const t of tickets) await board.add({ title: t.title, description: t.description, labels: t.labels ?? [] });
  }
  process.stdout.write(
    `[demo] ${root}: ${Object.keys(SAMPLE_REPOS).length} repos, ${(await board.list()).length} tickets, agent ${config.agent.command}` +
      `${config.agent.command === FAKE_AGENT ? ' (the built-in fake agent: no real Claude Code configured)' : ''}\n` +
      `[demo] in another terminal: npx nightshift --config ${configFile} board list | runs | prs | events --follow\n` +
      (config.agent.command === FAKE_AGENT
        ? `[demo] the night: one ticket escalates to opus, one ends in Needs Human, one learns from memory, one hits a rate limit and resumes\n`
        : ''),
  );
  await up(config);
}

function demoConfig(agent: string, root: string): string {
  // The fake agent fails in milliseconds, which would count as a fast fail (no attempt spent, no
  // lesson): the demo turns that guard off for it, and retries after seconds rather than a minute.
  const fake = agent === FAKE_AGENT;
  return `# Nightshift demo: local board, local git remotes as the forge, embedded Redis.
dataDir: .nightshift
tracker:
  kind: local
  scanIntervalSec: 30
forge:
  kind: local
repos:
  - name: api
    remote: ./remotes/api.git
    labels: [backend]
    keywords: [endpoint]
  - name: web
    remote: ./remotes/web.git
    labels: [frontend]
  - name: docs
    remote: ./remotes/docs.git
    labels: [docs]
hosts:
  - name: local
    capabilities: [linux]
    slots: 4
agent:
  command: ${JSON.stringify(agent)}
  model: sonnet
  escalationModel: opus
${
  fake
    ? `  escalateAfter: 1
  fastFailSec: 0
  # The fake counts a ticket's launches here (its \`discover=N\` directive).
  env:
    set:
      FAKE_CLAUDE_ARGV_LOG: ${JSON.stringify(path.join(root, 'fake-claude-argv.log'))}
routing:
  maxAttempts: 3
  retryDelaySec: 2
`
    : ''
}`;
}
