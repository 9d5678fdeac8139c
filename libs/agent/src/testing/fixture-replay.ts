import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import type { AgentCliExpectation } from '@nightshift/testing-fakes';
import { DateTime } from 'luxon';

import type { AgentCli } from '../agent-cli';
import { classifyOutcome } from '../classify-outcome';
import { summarizeStreamText } from '../output-capture';
import { describeDenial } from '../permission-denials';

export const REPLAY_NOW = new Date('2026-01-15T12:00:00Z');

/** Replays one saved sample through the adapter's translator, capture and classifier: the common run record. */
export function replayFixture(cli: AgentCli, dir: string, file: string, want: AgentCliExpectation) {
  const raw = readFileSync(resolve(dir, file), 'utf8');
  const text = raw
    .split('\n')
    .filter((l) => !l.startsWith('# source:'))
    .join('\n');
  const exitCode = want.exitCode ?? (want.outcome === 'success' ? 0 : 1);
  const summary = summarizeStreamText(text, cli.translator(), exitCode);
  const meaning = cli.describeExit?.(exitCode);
  const tail = meaning ? `${summary.tail}\n[nightshift] ${meaning}\n` : summary.tail;
  const verdict = classifyOutcome({
    exitCode,
    signal: null,
    durationMs: 20_000,
    timedOut: false,
    text: tail,
    events: summary.events,
    hasDiff: want.outcome === 'success' ? true : undefined,
    now: REPLAY_NOW,
  });
  const finalResult = summary.result?.result;
  return {
    outcome: verdict.outcome,
    reason: verdict.reason,
    resetsAt: verdict.resetsAt,
    sessionId: summary.sessionId,
    usage: summary.usage,
    costUsd: summary.costUsd,
    denials: summary.permissionDenials.map((d) => describeDenial(d)),
    finalMessage: finalResult,
    toolUses: summary.events.flatMap((e) =>
      e.type === 'assistant' ? e.message.content.filter((b) => b.type === 'tool_use') : [],
    ).length,
  };
}

/** Asserts a replayed sample against its expectation. */
export function expectRecord(got: ReturnType<typeof replayFixture>, want: AgentCliExpectation): void {
  expect(got.outcome).toBe(want.outcome);
  expect(got.reason).not.toContain('\n');
  if (want.sessionId) expect(got.sessionId).toBe(want.sessionId);
  if (want.tokens) expect(got.usage).toEqual(want.tokens);
  if (want.costUsd !== undefined) expect(got.costUsd).toBe(want.costUsd);
  if (want.denials) expect(got.denials).toEqual(want.denials);
  if (want.finalMessage) expect(got.finalMessage).toBe(want.finalMessage);
  if (want.resetsInMs !== undefined) expect(got.resetsAt?.getTime()).toBe(REPLAY_NOW.getTime() + want.resetsInMs);
  if (want.resetsAtLocal) expect(got.resetsAt?.getTime()).toBe(DateTime.fromObject(want.resetsAtLocal).toMillis());
  if (want.outcome === 'rate_limited' && want.resetsInMs === undefined && !want.resetsAtLocal)
    expect(got.resetsAt).toBeNull();
}
