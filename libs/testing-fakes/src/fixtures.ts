import path from 'node:path';

/**
 * Real Claude Code CLI output samples (from the team's shared/fixtures), kept in the repo so the
 * tests run in any clone; `fixtures.spec.ts` checks the copy still matches shared/ where it exists.
 */
export const CLAUDE_CODE_FIXTURES = path.resolve(__dirname, '../fixtures/claude-code');
