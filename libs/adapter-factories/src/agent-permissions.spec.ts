import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { parseConfig } from '@nightshift/config';

import { assertAgentSettings, launchPermissions } from './agent-permissions';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'ns-wiring-perms-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const config = (agent: string, repo = '') =>
  parseConfig(
    `repos:\n  - name: api\n    remote: /srv/api.git\n${repo}agent:\n${agent}`,
    path.join(dir, 'nightshift.yaml'),
  );

describe('agent settings from nightshift.yaml', () => {
  it('refuses a missing MCP config file, naming it and the setting', () => {
    expect(() => assertAgentSettings(config('  mcpConfig: ./mcp.json\n'))).toThrow(
      `agent.mcpConfig file ${path.join(dir, 'mcp.json')} does not exist`,
    );
    writeFileSync(path.join(dir, 'mcp.json'), '{"mcpServers":{}}');
    expect(() => assertAgentSettings(config('  mcpConfig: ./mcp.json\n'))).not.toThrow();
  });

  it('refuses bypassPermissions for a repo a host would run outside a sandbox, naming both', () => {
    expect(() => assertAgentSettings(config('  permissionMode: bypassPermissions\n  sandbox: false\n'))).toThrow(
      /sandbox for repo api on host local is none/,
    );
    expect(() => assertAgentSettings(config('  permissionMode: bypassPermissions\n'))).toThrow(/is none/);
  });

  it('accepts it in a Podman sandbox, and an external one only with a warning to log', () => {
    expect(assertAgentSettings(config('  permissionMode: bypassPermissions\n  sandbox: podman\n'))).toEqual([]);
    expect(assertAgentSettings(config('  permissionMode: bypassPermissions\n  sandbox: true\n'))).toEqual([
      expect.stringContaining('agent.sandbox is external'),
    ]);
  });

  it('lets a repo override the host: a repo outside the sandbox refuses bypass even when the host is sandboxed', () => {
    expect(() =>
      assertAgentSettings(
        config('  permissionMode: bypassPermissions\n  sandbox: podman\n', '    sandbox:\n      mode: none\n'),
      ),
    ).toThrow(/repo api on host local is none/);
    const c = config('  sandbox: none\n', '    sandbox:\n      mode: podman\n      egress: ["registry.npmjs.org"]\n');
    expect(launchPermissions(c, c.repos[0]!, 'local').sandbox).toBe('podman');
    expect(c.repos[0]!.sandbox).toMatchObject({ image: 'localhost/nightshift-sandbox:local', cpus: 2, memory: '4g' });
  });

  it("gives a launch the repo's rules, the agent-wide ones and the MCP config, with no extra environment outside bypass mode", () => {
    writeFileSync(path.join(dir, 'mcp.json'), '{}');
    const c = config(
      '  allowedTools: ["Bash(make:*)"]\n  mcpConfig: ./mcp.json\n',
      '    allowedTools: ["Bash(npm test:*)"]\n',
    );
    const { permissions, env } = launchPermissions(c, c.repos[0]!);
    expect(permissions.allowedTools).toEqual(expect.arrayContaining(['Read', 'Bash(make:*)', 'Bash(npm test:*)']));
    expect(permissions.disallowedTools).toContain('Bash(git push:*)');
    expect(permissions.mcpConfig).toEqual([path.join(dir, 'mcp.json')]);
    expect(env).toEqual({});
  });

  it('allows no declared check by itself: the agent can edit the script a check runs', () => {
    const c = config('  model: sonnet\n');
    const repo = {
      ...c.repos[0]!,
      checks: [
        { name: 'unit', argv: ['npm', 'test'], timeoutSec: 60 },
        { name: 'lint', argv: ['npm', 'run', 'lint'], timeoutSec: 60 },
      ],
    };
    const allowed = launchPermissions(c, repo).permissions.allowedTools;
    expect(allowed).not.toContain('Bash(npm test:*)');
    expect(allowed).not.toContain('Bash(npm run lint:*)');
    expect(allowed.some((r) => r.startsWith('Bash'))).toBe(false);
  });
});
