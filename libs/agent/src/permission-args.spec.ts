import { ClaudeCodeAdapter } from './claude-code.adapter';
import { permissionArgs } from './permission-args';
import { ALWAYS_DISALLOWED_TOOLS, DEFAULT_ALLOWED_TOOLS, resolveToolPermissions } from './tool-permission-policy';

describe('the argv of a launch with every permission option', () => {
  it('passes each rule, the MCP config and the system prompt as their own argv elements after the standard flags', () => {
    const adapter = new ClaudeCodeAdapter({ command: 'claude', extraArgs: ['--fallback-model', 'haiku'] });
    const argv = adapter.buildArgs({
      model: 'sonnet',
      maxTurns: 7,
      permissionMode: 'acceptEdits',
      permissions: {
        allowedTools: ['Read', 'Bash(npm run test:*)'],
        disallowedTools: ['Bash(git push:*)', 'Read(~/.claude/**)'],
        mcpConfig: ['/etc/nightshift/mcp.json'],
        appendSystemPrompt: 'Never touch the migrations folder; run "npm test" before finishing.',
      },
    });
    expect(argv).toEqual([
      '-p', // the prompt goes on stdin
      '--model',
      'sonnet',
      '--output-format',
      'stream-json',
      '--verbose',
      '--max-turns',
      '7',
      '--permission-mode',
      'acceptEdits',
      '--setting-sources', // Nightshift's settings only: none of the worktree's
      '',
      '--settings',
      '{"disableAllHooks":true}',
      '--strict-mcp-config',
      '--allowedTools',
      'Read',
      'Bash(npm run test:*)',
      '--disallowedTools',
      'Bash(git push:*)',
      'Read(~/.claude/**)',
      '--mcp-config',
      '/etc/nightshift/mcp.json',
      '--append-system-prompt',
      'Never touch the migrations folder; run "npm test" before finishing.',
      '--fallback-model',
      'haiku',
    ]);
  });

  it('adds no flag for an empty list or a missing option (the CLI refuses a variadic flag with no value)', () => {
    expect(permissionArgs(undefined)).toEqual([]);
    expect(permissionArgs({ allowedTools: [], disallowedTools: [], mcpConfig: [] })).toEqual([]);
    expect(permissionArgs({ allowedTools: ['Read'], disallowedTools: [] })).toEqual(['--allowedTools', 'Read']);
  });
});

describe('resolveToolPermissions', () => {
  it('adds agent-wide rules and the repo rules to the defaults, and always denies pushing and credential files', () => {
    const p = resolveToolPermissions({
      agent: {
        allowedTools: ['WebFetch(domain:docs.example.com)'],
        disallowedTools: ['Bash(rm -rf:*)'],
        mcpConfig: '/srv/mcp.json',
        appendSystemPrompt: 'Be brief.',
      },
      repo: { allowedTools: ['Bash(npm test:*)', 'Read'], disallowedTools: ['Edit(/migrations/**)'] },
    });
    expect(p.allowedTools).toEqual([...DEFAULT_ALLOWED_TOOLS, 'WebFetch(domain:docs.example.com)', 'Bash(npm test:*)']);
    expect(p.disallowedTools).toEqual([...ALWAYS_DISALLOWED_TOOLS, 'Bash(rm -rf:*)', 'Edit(/migrations/**)']);
    expect(p.disallowedTools).toEqual(
      expect.arrayContaining(['Bash(git push:*)', 'Bash(git push --force:*)', 'Read(~/.claude/**)', 'Read(**/.env)']),
    );
    expect(p.mcpConfig).toEqual(['/srv/mcp.json']);
    expect(p.appendSystemPrompt).toBe('Be brief.');
  });

  it('with nothing configured, allows reading and editing only, and runs no command unasked', () => {
    const p = resolveToolPermissions({ agent: {}, repo: {} });
    expect(p.allowedTools).toEqual(expect.arrayContaining(['Read', 'Edit', 'Write', 'Grep', 'Glob']));
    expect(p.allowedTools.some((r) => r.startsWith('Bash'))).toBe(false);
    expect(p).not.toHaveProperty('mcpConfig');
    expect(p).not.toHaveProperty('appendSystemPrompt');
  });
});
