import { ConfigError } from './errors/config-error';
import { parseConfig } from './load-config';

const minimal = `
repos:
  - name: api
    remote: ./remotes/api.git
`;

function problemsOf(text: string): string {
  try {
    parseConfig(text, '/etc/nightshift/nightshift.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('fills defaults and makes paths absolute relative to the file', () => {
    const config = parseConfig(minimal, '/etc/nightshift/nightshift.yaml');
    expect(config.repos[0]).toMatchObject({
      name: 'api',
      remote: '/etc/nightshift/remotes/api.git',
      baseBranch: 'main',
      capability: 'linux',
    });
    expect(config.agent.model).toBe('sonnet');
    expect(config.hosts).toEqual([{ name: 'local', capabilities: ['linux'], slots: 4 }]);
    expect(config.paths.board).toBe('/etc/nightshift/.nightshift/board');
    expect(config.tracker.states.queue).toEqual(['Agent Queue']);
  });

  it('keeps URL remotes as written', () => {
    const config = parseConfig(
      'repos: [{ name: a, remote: "git@github.com:o/a.git" }, { name: b, remote: "https://x/b.git" }]',
      '/x/n.yaml',
    );
    expect(config.repos.map((r) => r.remote)).toEqual(['git@github.com:o/a.git', 'https://x/b.git']);
  });

  it('names the file, the path inside it and the reason', () => {
    const message = problemsOf('repos:\n  - name: api\n    remote: 12\n');
    expect(message).toContain('/etc/nightshift/nightshift.yaml');
    expect(message).toContain('repos[0].remote');
    expect(message).toMatch(/expected string/i);
  });

  it('refuses unknown keys, so a typo or a pasted secret is caught', () => {
    expect(problemsOf(`${minimal}agent:\n  apiKey: sk-123\n`)).toContain('agent');
  });

  it('reports YAML syntax errors', () => {
    expect(problemsOf('repos: [\n  name: : :')).toContain('YAML syntax');
  });

  it('refuses a repo whose capability no host serves', () => {
    expect(problemsOf(`${minimal}    capability: mobile\n`)).toContain('repos[0].capability');
  });

  it('refuses duplicate repo names', () => {
    expect(problemsOf(`${minimal}  - name: api\n    remote: /b\n`)).toContain('duplicate repo name');
  });

  it('reads repo hooks as argv arrays and the worktree settings, with defaults', () => {
    const defaults = parseConfig(minimal, '/etc/nightshift/nightshift.yaml');
    expect(defaults.repos[0]?.hooks).toEqual({});
    expect(defaults.hooks).toEqual({ timeoutSec: 60 });
    expect(defaults.worktrees).toEqual({ sweepIntervalSec: 300, fetchIntervalSec: 30, orphanGraceSec: 120 });
    const config = parseConfig(
      `${minimal}    hooks:\n      afterCreate: [npm, ci]\n      beforeRemove: [docker, compose, down]\nhooks:\n  timeoutSec: 30\nworktrees:\n  root: /srv/wt\n  maxDiskGb: 50\n  orphanGraceSec: 60\n`,
      '/etc/nightshift/nightshift.yaml',
    );
    expect(config.repos[0]?.hooks).toEqual({ afterCreate: ['npm', 'ci'], beforeRemove: ['docker', 'compose', 'down'] });
    expect(config.hooks.timeoutSec).toBe(30);
    expect(config.worktrees).toEqual({
      root: '/srv/wt',
      maxDiskGb: 50,
      sweepIntervalSec: 300,
      fetchIntervalSec: 30,
      orphanGraceSec: 60,
    });
    expect(config.paths.worktrees).toBe('/srv/wt');
  });

  it('refuses a hook written as a shell string, an empty hook and an unknown hook', () => {
    expect(problemsOf(`${minimal}    hooks:\n      afterCreate: "npm ci && rm -rf /"\n`)).toMatch(
      /repos\[0\]\.hooks\.afterCreate: a hook is an argv array/,
    );
    expect(problemsOf(`${minimal}    hooks:\n      beforeRun: []\n`)).toContain('repos[0].hooks.beforeRun');
    expect(problemsOf(`${minimal}    hooks:\n      onCrash: [x]\n`)).toContain('repos[0].hooks');
    expect(problemsOf(`${minimal}worktrees:\n  maxDiskGb: -1\n`)).toContain('worktrees.maxDiskGb');
  });

  it('reads repo checks with their repair settings, defaults included, and refuses a check written as a shell string', () => {
    const defaults = parseConfig(minimal, '/etc/nightshift/nightshift.yaml').repos[0]!;
    expect(defaults).toMatchObject({ checks: [], repairAttempts: 2, onChecksFailing: 'draft' });
    const repo = parseConfig(
      `${minimal}    checks:\n      - { name: unit, argv: [npm, test] }\n    repairAttempts: 1\n    onChecksFailing: needs-human\n`,
      '/etc/nightshift/nightshift.yaml',
    ).repos[0]!;
    expect(repo).toMatchObject({
      checks: [{ name: 'unit', argv: ['npm', 'test'], timeoutSec: 600 }],
      repairAttempts: 1,
      onChecksFailing: 'needs-human',
    });
    expect(problemsOf(`${minimal}    checks:\n      - { name: unit, argv: "npm test && true" }\n`)).toMatch(
      /repos\[0\]\.checks\[0\]\.argv: a hook is an argv array/,
    );
    expect(problemsOf(`${minimal}    onChecksFailing: ignore\n`)).toContain('repos[0].onChecksFailing');
  });

  it('reads the follow-up policy and repos[].maxConcurrent with defaults, and names a bad value', () => {
    const config = parseConfig(minimal, '/etc/nightshift/nightshift.yaml');
    expect(config.followUp).toEqual({ enabled: true, maxRounds: 3, debounceSec: 120, maxLogBytes: 4000 });
    expect(config.repos[0]!.maxConcurrent).toBeUndefined();
    expect(
      parseConfig(
        `${minimal}    maxConcurrent: 2\nfollowUp: { maxRounds: 1, debounceSec: 0 }\n`,
        '/etc/nightshift/nightshift.yaml',
      ),
    ).toMatchObject({ repos: [{ maxConcurrent: 2 }], followUp: { maxRounds: 1, debounceSec: 0 } });
    expect(problemsOf(`${minimal}    maxConcurrent: 0\n`)).toContain('repos[0].maxConcurrent');
    expect(problemsOf(`${minimal}followUp: { maxRounds: -1 }\n`)).toContain('followUp.maxRounds');
    expect(problemsOf(`${minimal}followUp: { rounds: 2 }\n`)).toContain('followUp');
  });
});
