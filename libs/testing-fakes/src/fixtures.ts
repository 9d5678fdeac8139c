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
  if (!existsSync(file))
    throw new Error(
      `Claude Code fixtures not found at ${CLAUDE_CODE_FIXTURES}: libs/testing-fakes/fixtures/claude-code is part of the repo`,
    );
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, FixtureExpectation>;
}

/** One agent CLI's output samples: `codex`, `gemini-cli`, `opencode` (and `claude-code`) under fixtures/. */
export function agentCliFixtures(kind: string): { dir: string; expected: Record<string, AgentCliExpectation> } {
  const dir = path.resolve(__dirname, '../fixtures', kind);
  const file = path.join(dir, 'expected.json');
  if (!existsSync(file))
    throw new Error(`no fixtures for agent CLI ${kind} at ${dir}: add the samples and their expected.json`);
  return { dir, expected: JSON.parse(readFileSync(file, 'utf8')) as Record<string, AgentCliExpectation> };
}

/** What one agent CLI sample must become in the common run record. */
export interface AgentCliExpectation {
  outcome: string;
  /** Exit code the CLI ends with for this sample (default: 0 for success, 1 otherwise). */
  exitCode?: number;
  sessionId?: string;
  tokens?: { input: number; output: number; cacheWrite: number; cacheRead: number };
  costUsd?: number | null;
  /** A relative reset: this many ms after now. */
  resetsInMs?: number;
  /** An absolute reset in the machine's zone. */
  resetsAtLocal?: { year: number; month: number; day: number; hour: number; minute: number };
  /** Denied tool calls, as describeDenial prints them. */
  denials?: string[];
  /** The final message of the agent. */
  finalMessage?: string;
}
