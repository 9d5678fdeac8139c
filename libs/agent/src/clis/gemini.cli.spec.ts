import { readdirSync } from 'node:fs';

import { agentCliFixtures } from '@nightshift/testing-fakes';

import type { LaunchRequest } from '../agent-cli';
import { UnexpressiblePermissionsError } from '../errors/unexpressible-permissions.error';
import { expectRecord, replayFixture } from '../testing/fixture-replay';
import { resolveToolPermissions } from '../tool-permission-policy';
import { GeminiCli } from './gemini.cli';

const cli = new GeminiCli();
const permissions = resolveToolPermissions({ agent: {}, repo: { allowedTools: ['Bash(npm test:*)'] } });
const base: LaunchRequest = {
  model: 'gemini-2.5-pro',
  maxTurns: 40,
  permissionMode: 'acceptEdits',
  permissions,
  prompt: 'Fix the bug',
  sandboxMode: 'podman',
};
const TOOLS = ['read_file', 'glob', 'grep_search', 'list_directory', 'replace', 'write_file', 'write_todos'];

describe('Gemini CLI argv', () => {
  it.each<[string, Partial<LaunchRequest>, string[]]>([
    [
      'acceptEdits → auto_edit, allow rules as --allowed-tools',
      {},
      [
        '--model',
        'gemini-2.5-pro',
        '--output-format',
        'stream-json',
        '--approval-mode',
        'auto_edit',
        '--allowed-tools',
        ...TOOLS,
        'run_shell_command(npm test)',
      ],
    ],
    [
      'plan → plan',
      { permissionMode: 'plan', permissions: { allowedTools: ['Read'], disallowedTools: [] } },
      [
        '--model',
        'gemini-2.5-pro',
        '--output-format',
        'stream-json',
        '--approval-mode',
        'plan',
        '--allowed-tools',
        'read_file',
      ],
    ],
    [
      'bypassPermissions → yolo',
      {
        permissionMode: 'bypassPermissions',
        model: 'gemini-2.5-flash',
        permissions: { allowedTools: [], disallowedTools: [] },
      },
      ['--model', 'gemini-2.5-flash', '--output-format', 'stream-json', '--approval-mode', 'yolo'],
    ],
  ])('%s', (_name, change, args) => {
    const plan = cli.plan({ ...base, ...change });
    expect(plan.args).toEqual(args);
    expect(plan.stdin).toBe('Fix the bug');
  });

  it('always names the model', () => {
    expect(() => cli.plan({ ...base, model: '' })).toThrow(/must name its model/);
  });

  it('refuses uncontained when an in-worktree file deny rule has no flag', () => {
    const run = () => cli.plan({ ...base, sandboxMode: 'none' });
    expect(run).toThrow(UnexpressiblePermissionsError);
    expect(run).toThrow(/Read\(\*\*\/\.env\)/);
    expect(run).not.toThrow(/~\/\.ssh/); // outside the workspace: its file tools cannot reach it
  });

  it('refuses uncontained when an allow rule covers a denied command, and runs when none does', () => {
    const rules = { allowedTools: ['Bash(git:*)'], disallowedTools: ['Bash(git push:*)'] };
    expect(() => cli.plan({ ...base, sandboxMode: 'none', permissions: rules })).toThrow(/Bash\(git push:\*\)/);
    const narrow = { allowedTools: ['Bash(npm test:*)'], disallowedTools: ['Bash(git push:*)', 'Read(~/.ssh/**)'] };
    expect(cli.plan({ ...base, sandboxMode: 'none', permissions: narrow }).args).toContain(
      'run_shell_command(npm test)',
    );
  });
});

describe('Gemini CLI fixtures → the common run record', () => {
  const { dir, expected } = agentCliFixtures('gemini-cli');

  it('has an expectation for every sample', () => {
    const samples = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
    expect(samples.sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s → %p', (file, want) => {
    expectRecord(replayFixture(cli, dir, file, want), want);
  });

  it.each([
    [0, undefined],
    [1, undefined],
    [41, 'auth_failed'],
    [42, 'infra_error'],
    [53, 'task_failed'],
  ])('exit code %p alone classifies as %p', (code, outcome) => {
    const got = replayFixture(cli, dir, 'input-error.jsonl', { outcome: 'x', exitCode: code });
    if (outcome) expect(got.outcome).toBe(outcome);
    else expect(['success', 'fast_fail', 'task_failed']).toContain(got.outcome);
  });
});
