import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '@nightshift/config';
import { assertAgentSettings, launchPermissions } from './agent-permissions';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'ns-wiring-perms-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const config = (agent: string, repo = '') => parseConfig(`repos:\n  - name: api\n    remote: /srv/api.git\n${repo}agent:\n${agent}`, path.join(dir, 'nightshift.yaml'));

describe('agent settings from nightshift.yaml', () => {
  it('refuses a missing MCP config file, naming it and the setting', () => {
    expect(() => assertAgentSettings(config('  mcpConfig: ./mcp.json\n'))).toThrow(`agent.mcpConfig file ${path.join(dir, 'mcp.json')} does not exist`);
    writeFileSync(path.join(dir, 'mcp.json'), '{"mcpServers":{}}');
    expect(() => assertAgentSettings(config('  mcpConfig: ./mcp.json\n'))).not.toThrow();
  });

  it('refuses bypassPermissions where the operator says the runner is not a sandbox', () => {
    expect(() => assertAgentSettings(config('  permissionMode: bypassPermissions\n  sandbox: false\n'))).toThrow(/agent\.sandbox is false/);
  });

  it("gives a launch the repo's rules, the agent-wide ones and the MCP config, with no extra environment outside bypass mode", () => {
    writeFileSync(path.join(dir, 'mcp.json'), '{}');
    const c = config('  allowedTools: ["Bash(make:*)"]\n  mcpConfig: ./mcp.json\n', '    allowedTools: ["Bash(npm test:*)"]\n');
    const { permissions, env } = launchPermissions(c, c.repos[0]!);
    expect(permissions.allowedTools).toEqual(expect.arrayContaining(['Read', 'Bash(make:*)', 'Bash(npm test:*)']));
    expect(permissions.disallowedTools).toContain('Bash(git push:*)');
    expect(permissions.mcpConfig).toEqual([path.join(dir, 'mcp.json')]);
    expect(env).toEqual({});
  });

  it('derives a rule from each declared check (repos[].checks argv)', () => {
    const c = config('  model: sonnet\n');
    const repo = { ...c.repos[0]!, checks: [{ name: 'unit', argv: ['npm', 'test'], timeoutSec: 60 }, { name: 'lint', argv: ['npm', 'run', 'lint'], timeoutSec: 60 }] };
    expect(launchPermissions(c, repo).permissions.allowedTools).toEqual(expect.arrayContaining(['Bash(npm test:*)', 'Bash(npm run lint:*)']));
    expect(launchPermissions(c, repo).permissions.allowedTools).not.toContain('Bash(npm run build:*)');
  });
});
