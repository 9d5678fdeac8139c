import { readdirSync } from 'node:fs';

import { agentCliFixtures } from '@nightshift/testing-fakes';

import type { LaunchRequest } from '../agent-cli';
import { UnexpressiblePermissionsError } from '../errors/unexpressible-permissions.error';
import { expectRecord, replayFixture } from '../testing/fixture-replay';
import { resolveToolPermissions } from '../tool-permission-policy';
import { CodexCli } from './codex.cli';

const cli = new CodexCli();
const permissions = resolveToolPermissions({ agent: {}, repo: {} });
const base: LaunchRequest = {
  model: 'gpt-5-codex',
  maxTurns: 40,
  permissionMode: 'acceptEdits',
  permissions,
  prompt: 'Fix the bug',
  sandboxMode: 'podman',
};

describe('Codex CLI argv', () => {
  it.each<[string, Partial<LaunchRequest>, string[]]>([
    [
      'acceptEdits → workspace-write, approvals never',
      {},
      [
        'exec',
        '--json',
        '--model',
        'gpt-5-codex',
        '--sandbox',
        'workspace-write',
        '-c',
        'approval_policy="never"',
        '--skip-git-repo-check',
        '-',
      ],
    ],
    [
      'plan → read-only',
      { permissionMode: 'plan' },
      [
        'exec',
        '--json',
        '--model',
        'gpt-5-codex',
        '--sandbox',
        'read-only',
        '-c',
        'approval_policy="never"',
        '--skip-git-repo-check',
        '-',
      ],
    ],
    [
      'bypassPermissions → no sandbox of its own (Nightshift contains it)',
      { permissionMode: 'bypassPermissions', model: 'o4-mini' },
      [
        'exec',
        '--json',
        '--model',
        'o4-mini',
        '--dangerously-bypass-approvals-and-sandbox',
        '--skip-git-repo-check',
        '-',
      ],
    ],
  ])('%s', (_name, change, args) => {
    const plan = cli.plan({ ...base, ...change });
    expect(plan.args).toEqual(args);
    expect(plan.args.join(' ')).not.toContain('Fix the bug');
    expect(plan.stdin).toBe('Fix the bug');
  });

  it('always names the model', () => {
    expect(() => cli.plan({ ...base, model: ' ' })).toThrow(/must name its model/);
  });

  it('refuses to run uncontained: it cannot express the deny rules', () => {
    for (const sandboxMode of ['none', undefined] as const) {
      const run = () => cli.plan({ ...base, sandboxMode });
      expect(run).toThrow(UnexpressiblePermissionsError);
      expect(run).toThrow(/Read\(~\/\.ssh\/\*\*\).*agent\.sandbox: podman/);
    }
  });

  it('refuses an MCP config it cannot take on the command line', () => {
    expect(() => cli.plan({ ...base, permissions: { ...permissions, mcpConfig: ['mcp.json'] } })).toThrow(/mcpConfig/);
  });

  it('puts the appended system prompt ahead of the task on stdin (it has no flag for it)', () => {
    const plan = cli.plan({ ...base, permissions: { ...permissions, appendSystemPrompt: 'Never touch vendor/.' } });
    expect(plan.stdin).toMatch(
      /^<operator-instructions>\nNever touch vendor\/\.\n<\/operator-instructions>\n\nFix the bug$/,
    );
  });
});

describe('Codex CLI fixtures → the common run record', () => {
  const { dir, expected } = agentCliFixtures('codex');

  it('has an expectation for every sample', () => {
    const samples = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
    expect(samples.sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s → %p', (file, want) => {
    expectRecord(replayFixture(cli, dir, file, want), want);
  });

  it('turns command executions and file changes into tool calls the stall watchdog follows', () => {
    const got = replayFixture(cli, dir, 'success.jsonl', expected['success.jsonl']!);
    expect(got.toolUses).toBe(2);
    expect(got.finalMessage).toBe('Fixed the off-by-one in sum(); the test passes now.');
  });
});
