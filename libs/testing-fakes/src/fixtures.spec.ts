import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { CLAUDE_CODE_FIXTURES } from './fixtures';

const SHARED = path.resolve(__dirname, '../../../../shared/fixtures/claude-code');

describe('the in-repo copy of the Claude Code fixtures', () => {
  it('holds every sample expected.json names', () => {
    const expected = JSON.parse(readFileSync(path.join(CLAUDE_CODE_FIXTURES, 'expected.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    for (const file of Object.keys(expected)) expect(existsSync(path.join(CLAUDE_CODE_FIXTURES, file))).toBe(true);
  });

  // Where the team's shared/ folder sits beside the repo (this machine, its CI), the copy must equal it.
  (existsSync(SHARED) ? it : it.skip)('matches shared/fixtures/claude-code file for file', () => {
    const names = readdirSync(SHARED).sort();
    expect(readdirSync(CLAUDE_CODE_FIXTURES).sort()).toEqual(names);
    for (const name of names)
      expect(readFileSync(path.join(CLAUDE_CODE_FIXTURES, name), 'utf8')).toBe(
        readFileSync(path.join(SHARED, name), 'utf8'),
      );
  });
});
