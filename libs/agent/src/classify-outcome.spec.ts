import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { CLAUDE_CODE_FIXTURES, loadFixtureExpectations } from '@nightshift/testing-fakes';
import { DateTime } from 'luxon';

import { type ClassifyInput, classifyOutcome } from './classify-outcome';
import { summarizeStreamText } from './output-capture';
import { parseStreamJson, type StreamEvent } from './stream-events';

// Real CLI output, gathered from public bug reports (the repo's copy of shared/fixtures).
const FIXTURES = CLAUDE_CODE_FIXTURES;
const NOW = new Date('2026-01-15T12:00:00Z');

const loadExpected = loadFixtureExpectations;

/** The next hh:mm in the zone strictly after `now`, computed independently of parse-reset. */
function nextLocal(now: Date, { hour, minute, zone }: { hour: number; minute: number; zone: string }): Date {
  const local = DateTime.fromJSDate(now, { zone });
  let candidate = local.set({ hour, minute, second: 0, millisecond: 0 });
  if (candidate <= local) candidate = candidate.plus({ days: 1 }).set({ hour, minute });
  return candidate.toJSDate();
}

function inputFor(text: string, exitCode: number, extra: Partial<ClassifyInput> = {}): ClassifyInput {
  return {
    exitCode,
    signal: null,
    durationMs: 2_000,
    timedOut: false,
    text,
    events: parseStreamJson(text),
    now: NOW,
    ...extra,
  };
}

describe('classifyOutcome on the shared CLI fixtures', () => {
  const expected = loadExpected();
  const samples = readdirSync(FIXTURES).filter((f) => f !== 'expected.json' && f !== 'README.md');

  it('has an expectation for every sample in the folder', () => {
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s -> %p', (file, want) => {
    const text = readFileSync(resolve(FIXTURES, file), 'utf8');
    const summary = summarizeStreamText(text);
    const success = want.outcome === 'success';
    const got = classifyOutcome(
      inputFor(text, success ? 0 : 1, { events: summary.events, hasDiff: success ? true : undefined }),
    );

    expect(got.outcome).toBe(want.outcome);
    expect(got.reason.length).toBeGreaterThan(0);
    expect(got.reason).not.toContain('\n');
    if (want.resetsAt !== undefined) {
      expect(got.resetsAt?.toISOString() ?? null).toBe(
        want.resetsAt === null ? null : new Date(want.resetsAt).toISOString(),
      );
    }
    if (want.resetsAtLocal) expect(got.resetsAt?.toISOString()).toBe(nextLocal(NOW, want.resetsAtLocal).toISOString());
    if (want.outcome === 'rate_limited') expect(got.retryAt).not.toBeNull();
    if (want.tokens) expect(summary.usage).toEqual(want.tokens);
    if (want.costUsd !== undefined) expect(summary.costUsd).toBe(want.costUsd);
  });

  it('backs off by the default for a 429 without a reset time, spending nothing', () => {
    const text = readFileSync(resolve(FIXTURES, 'rate-limit-api-429.txt'), 'utf8');
    const got = classifyOutcome(inputFor(text, 1, { defaultBackoffMs: 60_000 }));
    expect(got.resetsAt).toBeNull();
    expect(got.retryAt?.toISOString()).toBe(new Date(NOW.getTime() + 60_000).toISOString());
  });
});

describe('classifyOutcome rules', () => {
  const init = '{"type":"system","subtype":"init","session_id":"s1","model":"sonnet"}';
  const ok =
    '{"type":"result","subtype":"success","is_error":false,"num_turns":3,"result":"Done.","total_cost_usd":0.1}';
  const toolUse = (code: string) =>
    JSON.stringify({
      type: 'assistant',
      message: {
        id: 'm1',
        model: 'sonnet',
        content: [{ type: 'tool_use', name: 'Edit', input: { new_string: code } }],
      },
    });
  const classify = (lines: string[], extra: Partial<ClassifyInput> = {}) => {
    const text = lines.join('\n');
    const events: StreamEvent[] = parseStreamJson(text);
    return classifyOutcome({
      exitCode: 0,
      signal: null,
      durationMs: 120_000,
      timedOut: false,
      text,
      events,
      now: NOW,
      ...extra,
    });
  };

  it('a clean success whose agent wrote rate-limit handling code is still a success', () => {
    expect(classify([init, toolUse('if (status === 429) throw new RateLimit("rate_limit_error")'), ok]).outcome).toBe(
      'success',
    );
  });

  it('a failed session that edited 429-handling code is a task failure, not a rate limit', () => {
    const failed = '{"type":"result","subtype":"error_during_execution","is_error":true,"result":"tests failed"}';
    const got = classify([init, toolUse('API Error: 429 rate_limit_error'), failed], { exitCode: 1 });
    expect(got.outcome).toBe('task_failed');
    expect(got.reason).toContain('tests failed');
  });

  it('success without a diff is no_changes', () => {
    expect(classify([init, ok], { hasDiff: false }).outcome).toBe('no_changes');
    expect(classify([init, ok], { hasDiff: true }).outcome).toBe('success');
  });

  it('a session that reported success but had to be killed at the timeout keeps its success', () => {
    const got = classify([init, ok], { exitCode: null, signal: 'SIGTERM', timedOut: true, hasDiff: true });
    expect(got.outcome).toBe('success');
    expect(got.reason).toContain('killed at the timeout');
  });

  it('timeout, stalled and canceled come from the runner, not the text', () => {
    expect(classify([init], { exitCode: null, signal: 'SIGTERM', timedOut: true }).outcome).toBe('timeout');
    expect(classify([init], { exitCode: null, signal: 'SIGTERM', stalled: true }).outcome).toBe('stalled');
    expect(classify([init], { exitCode: null, signal: 'SIGTERM', canceled: true }).outcome).toBe('canceled');
  });

  it('a rate limit printed before the session hung is still a rate limit', () => {
    const got = classify([init, "You've hit your limit · resets 4am (America/Chicago)"], {
      exitCode: null,
      signal: 'SIGTERM',
      timedOut: true,
    });
    expect(got.outcome).toBe('rate_limited');
  });

  it('a transient connection error before a hang is a timeout (it spends an attempt)', () => {
    expect(
      classify([init, 'API Error: Connection error.'], { exitCode: null, signal: 'SIGTERM', timedOut: true }).outcome,
    ).toBe('timeout');
  });

  it('an "approaching usage limit" warning neither fails a run nor lends its reset time to a bare 429', () => {
    const warning = 'Approaching usage limit · resets at 2am';
    const bare429 =
      'API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"Please try again later."}}';
    expect(classify([init, warning], { exitCode: 1, durationMs: 300_000 }).outcome).toBe('task_failed');
    expect(classify([warning, bare429], { exitCode: 1 })).toMatchObject({ outcome: 'rate_limited', resetsAt: null });
  });

  it('a spawn failure is an infra error that names the fix', () => {
    const got = classify([], {
      exitCode: null,
      spawnError: 'cannot start the agent CLI "claude": not found. Set agent.command in nightshift.yaml',
    });
    expect(got).toMatchObject({ outcome: 'infra_error' });
    expect(got.reason).toContain('agent.command');
  });

  it('a quick unexplained death is a fast fail; a slow one is a task failure or, for a signal, an infra error', () => {
    expect(classify([init, 'Segmentation fault'], { exitCode: 1, durationMs: 3_000 }).outcome).toBe('fast_fail');
    expect(classify([init], { exitCode: null, signal: 'SIGSEGV', durationMs: 3_000 }).outcome).toBe('fast_fail');
    expect(classify([init], { exitCode: 1, durationMs: 300_000 }).outcome).toBe('task_failed');
    expect(classify([init], { exitCode: null, signal: 'SIGSEGV', durationMs: 300_000 }).outcome).toBe('infra_error');
    expect(classify([init], { exitCode: 1, durationMs: 3_000, fastFailMs: 1_000 }).outcome).toBe('task_failed');
  });

  it('max turns and budget results are task failures', () => {
    const maxTurns = '{"type":"result","subtype":"error_max_turns","is_error":true,"num_turns":40}';
    const budget = '{"type":"result","subtype":"error_max_budget_usd","is_error":true}';
    expect(classify([init, maxTurns], { exitCode: 1 })).toMatchObject({
      outcome: 'task_failed',
      reason: expect.stringContaining('max-turns'),
    });
    expect(classify([init, budget], { exitCode: 1 })).toMatchObject({
      outcome: 'task_failed',
      reason: expect.stringContaining('budget'),
    });
  });

  it('API errors surfaced as synthetic assistant messages are recognized', () => {
    const synthetic = JSON.stringify({
      type: 'assistant',
      message: {
        id: 'x',
        model: '<synthetic>',
        content: [
          {
            type: 'text',
            text: 'API Error: 500 {"type":"error","error":{"type":"api_error","message":"Internal server error"}}',
          },
        ],
      },
    });
    const failed = '{"type":"result","subtype":"success","is_error":true}';
    expect(classify([init, synthetic, failed], { exitCode: 1 }).outcome).toBe('infra_error');
  });

  it('keeps the reason on one line and masks secrets', () => {
    const got = classify(['Invalid API key sk-ant-api03-abcdefghijklmnop\n · Please run /login'], { exitCode: 1 });
    expect(got.outcome).toBe('auth_failed');
    expect(got.reason).not.toContain('abcdefghijklmnop');
    expect(got.reason).not.toContain('\n');
  });
});
