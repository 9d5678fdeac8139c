import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { didYouMean } from './did-you-mean';
import { ConfigError } from './errors/config-error';
import { loadConfig, parseConfig } from './load-config';

function errorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const parse = (text: string) => errorOf(() => parseConfig(text, '/etc/nightshift/nightshift.yaml'));

const repos = 'repos:\n  - name: api\n    remote: ./api.git\n';

describe('config errors a person can act on', () => {
  it('names an unknown key with its line and column and the key it was meant to be', () => {
    const err = parse(`${repos}hosts:\n  - name: local\n    slot: 4\n`);
    expect(err.problems).toEqual(['hosts[0]: unknown key "slot" — did you mean "slots"? (line 6, column 5)']);
  });

  it('suggests inside a tracker of a given kind, from that kind’s keys', () => {
    const err = parse(`${repos}tracker:\n  kind: linear\n  teams: [{ key: ENG }]\n  tokenenv: LINEAR_KEY\n`);
    expect(err.problems).toEqual(['tracker: unknown key "tokenenv" — did you mean "tokenEnv"? (line 7, column 3)']);
  });

  it('makes no guess when no known key is close', () => {
    expect(parse(`${repos}agent:\n  apiKey: sk-123\n`).problems).toEqual([
      'agent: unknown key "apiKey" (line 5, column 3)',
    ]);
  });

  it('points a wrong value at its own line and column', () => {
    expect(parse('repos:\n  - name: api\n    remote: 12\n').problems).toEqual([
      'repos[0].remote: Invalid input: expected string, received number (line 3, column 13)',
    ]);
  });

  it('points a missing key at the object it is missing from', () => {
    expect(parse('repos:\n  - name: api\n').problems).toEqual([
      'repos[0].remote: Invalid input: expected string, received undefined (line 2, column 5)',
    ]);
  });

  it('gives one message for a YAML syntax error, where it is, with no cascade and no dangling colon', () => {
    const err = parse('repos: [\n  name: : :');
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toBe(
      'YAML syntax: Unexpected : in flow sequence (line 2, column 9) in "name: : :" (fix this one first: the errors after it may follow from it)',
    );
    expect(err.message).not.toMatch(/:\s*$/);
  });

  it('names a tab used as indentation at its line', () => {
    expect(parse('agent:\n\tmodel: opus\n').problems).toEqual([
      'YAML syntax: Tabs are not allowed as indentation (line 2, column 1) in "model: opus"',
    ]);
  });

  it('suggests `nightshift init` when the file is missing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-config-missing-'));
    try {
      const file = path.join(dir, 'night.yaml');
      const err = errorOf(() => loadConfig(file));
      expect(err.kind).toBe('missing');
      expect(err.message).toBe(
        `${file} not found: write one with \`nightshift --config ${file} init\`, or point --config (or NIGHTSHIFT_CONFIG) at your config`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('didYouMean', () => {
  it.each([
    ['slot', ['name', 'capabilities', 'slots'], 'slots'],
    ['capabilites', ['name', 'capabilities', 'slots'], 'capabilities'],
    ['Agent Queu', ['Agent Queue', 'Needs Human'], 'Agent Queue'],
    ['agent queue', ['Agent Queue', 'Needs Human'], 'Agent Queue'],
    ['apiKey', ['model', 'command', 'accounts'], undefined],
    ['Bogus', ['Agent Queue', 'In Progress', 'Done'], undefined],
  ])('%s among %j → %s', (written, known, expected) => {
    expect(didYouMean(written, known)).toBe(expected);
  });
});
