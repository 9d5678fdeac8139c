import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Real Claude Code CLI output samples (from the team's shared/fixtures), kept in the repo so the
 * tests run in any clone; `fixtures.spec.ts` checks the copy still matches shared/ where it exists.
 */
export const CLAUDE_CODE_FIXTURES = path.resolve(__dirname, '../fixtures/claude-code');

/** What `expected.json` says one fixture must be classified as. */
export interface FixtureExpectation {
  outcome: string;
  /** An exact reset instant (ISO), or null for "no reset clause". */
  resetsAt?: string | null;
  /** A wall-clock reset ("resets 4am (America/Chicago)"): the next such instant after now. */
  resetsAtLocal?: { hour: number; minute: number; zone: string };
  tokens?: { input: number; output: number; cacheWrite: number; cacheRead: number };
  costUsd?: number;
}

/** `expected.json` of the Claude Code fixtures, by file name. */
export function loadFixtureExpectations(): Record<string, FixtureExpectation> {
  const file = path.join(CLAUDE_CODE_FIXTURES, 'expected.json');
  if (!existsSync(file)) throw new Error(`Claude Code fixtures not found at ${CLAUDE_CODE_FIXTURES}: libs/testing-fakes/fixtures/claude-code is part of the repo`);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, FixtureExpectation>;
}
