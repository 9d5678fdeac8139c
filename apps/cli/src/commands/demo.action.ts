import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '@nightshift/config';
import { makeBareRemote } from '@nightshift/git';
import { createLocalBoard } from '@nightshift/adapter-factories';
import { up } from './up.action';

/** The test double of the agent CLI shipped in the repo; the demo uses it unless told otherwise. */
export const FAKE_AGENT = path.resolve(__dirname, '../../../../tools/fake-claude/fake-claude.js');

const SAMPLE_REPOS: Record<string, Record<string, string>> = {
  api: { 'README.md': '# api\n', 'src/server.js': 'module.exports = {};\n', 'CLAUDE.md': 'Keep handlers small. Add a test for every endpoint.\n' },
  web: { 'README.md': '# web\n', 'src/app.js': 'export const app = 1;\n', 'AGENTS.md': 'Use the design tokens; never inline colours.\n' },
  docs: { 'README.md': '# docs\n', 'guide.md': '# Guide\n' },
};

const SAMPLE_TICKETS = [
  { title: '[api] Add a /health endpoint', description: 'Return 200 with the build sha.' },
  { title: 'Paginate the venues endpoint', description: 'Default page size 25.', labels: ['backend'] },
  { title: '[web] Fix the blue button contrast', description: 'Fails WCAG AA.' },
  { title: 'Document the release process', description: 'Step by step.', labels: ['docs'] },
  { title: '[ios] Crash on launch', description: 'No repo for this one: Nightshift says why and skips it.' },
];

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
    writeFileSync(configFile, demoConfig(agentCommand ?? FAKE_AGENT));
  }
  const config = loadConfig(configFile);
  const board = createLocalBoard(config);
  if ((await board.list()).length === 0) {
    for (const t of SAMPLE_TICKETS) await board.add({ title: t.title, description: t.description, labels: t.labels ?? [] });
  }
  process.stdout.write(
    `[demo] ${root}: ${Object.keys(SAMPLE_REPOS).length} repos, ${(await board.list()).length} tickets, agent ${config.agent.command}` +
      `${config.agent.command === FAKE_AGENT ? ' (the built-in fake agent: no real Claude Code configured)' : ''}\n` +
      `[demo] in another terminal: npx nightshift --config ${configFile} board list | runs | prs | events --follow\n`,
  );
  await up(config);
}

function demoConfig(agent: string): string {
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
`;
}
