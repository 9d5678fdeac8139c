import { readdirSync } from 'node:fs';

import { agentCliFixtures } from '@nightshift/testing-fakes';

import type { LaunchRequest } from '../agent-cli';
import { expectRecord, replayFixture } from '../testing/fixture-replay';
import { resolveToolPermissions } from '../tool-permission-policy';
import { OpenCodeCli, openCodePermission } from './opencode.cli';

const cli = new OpenCodeCli();
const permissions = resolveToolPermissions({ agent: {}, repo: { allowedTools: ['Bash(npm test:*)'] } });
const base: LaunchRequest = {
  model: 'anthropic/claude-sonnet-4-5',
  maxTurns: 40,
  permissionMode: 'acceptEdits',
  permissions,
  prompt: 'Fix the bug',
  sandboxMode: 'none',
};

describe('OpenCode argv', () => {
  it('names the model, reads the prompt from stdin and carries the rules in OPENCODE_CONFIG_CONTENT', () => {
    const plan = cli.plan(base);
    expect(plan.args).toEqual(['run', '--format', 'json', '--model', 'anthropic/claude-sonnet-4-5']);
    expect(plan.stdin).toBe('Fix the bug');
    expect(JSON.parse(plan.env.OPENCODE_CONFIG_CONTENT!)).toEqual({
      permission: {
        edit: 'allow',
        bash: {
          '*': 'deny',
          'npm test*': 'allow',
          'git push*': 'deny',
          'git push --force*': 'deny',
          'git push -f*': 'deny',
          'git remote set-url*': 'deny',
        },
        read: { '*': 'allow', '*.env': 'deny', '*.env.*': 'deny' },
        external_directory: 'deny',
        webfetch: 'deny',
      },
    });
  });

  it('plan mode denies edits and every command', () => {
    const p = openCodePermission({ ...base, permissionMode: 'plan' });
    expect(p.edit).toBe('deny');
    expect(p.bash).toEqual({ '*': 'deny' });
  });

  it('bypassPermissions allows every command but still denies the deny rules', () => {
    const p = openCodePermission({ ...base, permissionMode: 'bypassPermissions' });
    expect(p.bash).toMatchObject({ '*': 'allow', 'git push*': 'deny' });
  });

  it('always names the model, as provider/model', () => {
    expect(() => cli.plan({ ...base, model: '' })).toThrow(/must name its model/);
    expect(() => cli.plan({ ...base, model: 'sonnet' })).toThrow(/provider\/model/);
  });
});

describe('OpenCode fixtures → the common run record', () => {
  const { dir, expected } = agentCliFixtures('opencode');

  it('has an expectation for every sample', () => {
    const samples = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
    expect(samples.sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s → %p', (file, want) => {
    expectRecord(replayFixture(cli, dir, file, want), want);
  });
});
