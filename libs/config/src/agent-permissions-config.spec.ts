import { ConfigError } from './errors/config-error';
import { parseConfig } from './load-config';

const FILE = '/etc/nightshift/nightshift.yaml';
const withAgent = (agent: string, repo = '') => `
repos:
  - name: api
    remote: ./remotes/api.git
${repo}
agent:
${agent}
`;

const refused = (text: string) => expect(() => parseConfig(text, FILE));

describe('agent permission settings', () => {
  it('reads agent-wide and per-repo rules, the MCP config (relative to the file) and the system prompt', () => {
    const config = parseConfig(
      withAgent(
        '  allowedTools: ["WebFetch(domain:docs.example.com)"]\n  disallowedTools: ["Bash(rm -rf:*)"]\n  mcpConfig: ./mcp.json\n  appendSystemPrompt: Run the tests first.\n  sandbox: true',
        '    allowedTools: ["Bash(npm test:*)", "Read"]\n    disallowedTools: ["Edit(/migrations/**)"]',
      ),
      FILE,
    );
    expect(config.agent).toMatchObject({
      allowedTools: ['WebFetch(domain:docs.example.com)'],
      disallowedTools: ['Bash(rm -rf:*)'],
      mcpConfig: '/etc/nightshift/mcp.json',
      appendSystemPrompt: 'Run the tests first.',
      sandbox: true,
    });
    expect(config.repos[0]).toMatchObject({
      allowedTools: ['Bash(npm test:*)', 'Read'],
      disallowedTools: ['Edit(/migrations/**)'],
    });
  });

  it('defaults to empty lists (the built-in defaults apply), no MCP config and a detected sandbox', () => {
    const config = parseConfig(withAgent('  model: sonnet'), FILE);
    expect(config.agent).toMatchObject({ allowedTools: [], disallowedTools: [] });
    expect(config.agent.mcpConfig).toBeUndefined();
    expect(config.agent.sandbox).toBeUndefined();
    expect(config.repos[0]).toMatchObject({ allowedTools: [], disallowedTools: [] });
  });

  it('keeps an inline JSON MCP config as written', () => {
    const config = parseConfig(withAgent(`  mcpConfig: '{"mcpServers":{}}'`), FILE);
    expect(config.agent.mcpConfig).toBe('{"mcpServers":{}}');
  });

  it('refuses a shell string or a comma list where a rule belongs, naming the path', () => {
    refused(withAgent('  allowedTools: "Bash(npm test:*)"')).toThrow(ConfigError);
    refused(withAgent('  allowedTools: "Bash(npm test:*)"')).toThrow(/agent\.allowedTools/);
    refused(withAgent('  model: sonnet', '    allowedTools: ["Read, Edit"]')).toThrow(
      /repos\[0\]\.allowedTools\[0\]: .*one rule per list entry/,
    );
    refused(withAgent('  sandbox: "yes"')).toThrow(/agent\.sandbox/);
  });
});
