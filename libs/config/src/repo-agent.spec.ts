import { parseConfig } from './load-config';
import { commandOf, escalationChain, repoAgent } from './repo-agent';

const FILE = '/etc/nightshift/nightshift.yaml';
const parse = (yaml: string) => parseConfig(yaml, FILE);
const REPOS =
  'repos:\n  - name: web\n    remote: /srv/web.git\n  - name: api\n    remote: /srv/api.git\n    agent: { kind: codex, model: gpt-5-codex }\n    agents: [gemini-cli]\n';

describe('which CLI a repo runs', () => {
  const config = parse(
    `${REPOS}agent:\n  accounts: [{ name: a }, { name: o, agent: codex }]\n  escalation: ['claude:sonnet', 'codex:gpt-5-codex', 'opencode:anthropic/claude-sonnet-4-5']\n  commands: { codex: /opt/codex }\n`,
  );

  it('is agent.kind by default, else the repo own CLI with its models and binary', () => {
    const [web, api] = config.repos;
    expect(repoAgent(config, web)).toMatchObject({ kind: 'claude-code', command: 'claude', model: 'sonnet' });
    expect(repoAgent(config, api)).toMatchObject({
      kind: 'codex',
      command: '/opt/codex',
      model: 'gpt-5-codex',
      escalationModel: 'gpt-5-codex',
    });
    expect(commandOf(config, 'gemini-cli')).toBe('gemini');
    expect(api!.agents).toEqual(['gemini-cli']);
  });

  it('reads the escalation chain as CLI and model', () => {
    expect(escalationChain(config)).toEqual([
      { kind: 'claude-code', model: 'sonnet' },
      { kind: 'codex', model: 'gpt-5-codex' },
      { kind: 'opencode', model: 'anthropic/claude-sonnet-4-5' },
    ]);
  });

  it('refuses a repo on a CLI no account belongs to, and a chain entry that is not vendor:model', () => {
    expect(() => parse(REPOS)).toThrow(/repo "api" runs on codex but agent.accounts has no codex account/);
    expect(() =>
      parse(`${REPOS}agent:\n  accounts: [{ name: a }, { name: o, agent: codex }]\n  escalation: [gpt-5]\n`),
    ).toThrow(/an entry is vendor:model/);
  });
});
