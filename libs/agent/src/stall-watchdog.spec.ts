import { stallCheckMs, type StallLimits, stallLimitsFromConfig, StallWatchdog } from './stall-watchdog';
import { parseStreamLine, type StreamEvent } from './stream-events';

const LIMITS: StallLimits = {
  stallMs: 300_000,
  toolMaxMs: 600_000,
  toolMarginMs: 60_000,
  cpuWindowMs: 60_000,
  busyCpuRatio: 0.01,
};
const CHECK = 5_000;

const event = (json: unknown): StreamEvent => parseStreamLine(JSON.stringify(json))!;
const bash = (id: string, command: string, timeout?: number) =>
  event({
    type: 'assistant',
    message: {
      id: `msg_${id}`,
      content: [{ type: 'tool_use', id, name: 'Bash', input: { command, ...(timeout ? { timeout } : {}) } }],
    },
  });
const toolResult = (id: string) =>
  event({
    type: 'user',
    message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: 'ok' }] },
  });
const text = (t: string) =>
  event({ type: 'assistant', message: { id: 'msg_t', content: [{ type: 'text', text: t }] } });

/**
 * Drives a watchdog like the monitor does: a CPU sample then a check every CHECK ms, the group's
 * CPU growing by `cpuPerCheck(t)` ms. Returns the first verdict and when it came, or null by `until`.
 */
function runUntil(
  dog: StallWatchdog,
  from: number,
  until: number,
  cpuPerCheck: (t: number) => number | null,
  start = { cpu: 0 },
) {
  let cpu: number | null = start.cpu;
  for (let t = from; t <= until; t += CHECK) {
    const used = cpuPerCheck(t);
    cpu = used === null || cpu === null ? null : cpu + used;
    dog.cpu(t, cpu);
    const verdict = dog.check(t);
    if (verdict) return { at: t, verdict };
  }
  return null;
}

const idle = () => 0;
const busy = () => CHECK * 0.5; // half a core

describe('StallWatchdog', () => {
  it('silence with no tool open and no CPU: stalled within stallTimeoutSec + one check', () => {
    const dog = new StallWatchdog(LIMITS, 0);
    dog.cpu(0, 0);
    dog.event(text('Looking at the code.'), 1_000);
    dog.output(1_000);
    const got = runUntil(dog, CHECK, 400_000, idle)!;
    expect(got.at).toBeGreaterThan(1_000 + LIMITS.stallMs);
    expect(got.at).toBeLessThanOrEqual(1_000 + LIMITS.stallMs + CHECK);
    expect(got.verdict.cause).toBe('silence');
    expect(got.verdict.reason).toMatch(
      /^silence with no tool open \(30\d s; limit 300 s\); no CPU used in the last 60 s$/,
    );
    expect(got.verdict.lastSeen).toBe('assistant text: Looking at the code.');
  });

  it('a Bash call gets its own timeout + margin, not stallTimeoutSec, and names the tool when it overruns', () => {
    const dog = new StallWatchdog(LIMITS, 0);
    dog.cpu(0, 0);
    dog.event(bash('toolu_1', 'npm   run\ttest', 480_000), 0);
    dog.output(0);
    const got = runUntil(dog, CHECK, 1_000_000, idle)!;
    expect(got.at).toBeGreaterThan(480_000 + 60_000);
    expect(got.at).toBeLessThanOrEqual(480_000 + 60_000 + CHECK);
    expect(got.verdict.cause).toBe('tool_overdue');
    expect(got.verdict.reason).toMatch(
      /^tool Bash open past its limit \(open 54\d s; limit 480 s \+ 60 s margin\); no CPU used/,
    );
    expect(got.verdict.lastSeen).toBe('open tool: Bash `npm run test`');
    expect(got.verdict.tool).toMatchObject({ name: 'Bash', command: 'npm run test', limitMs: 480_000 });
  });

  it('a Bash call that asks for no timeout, or for more than the maximum, gets the maximum', () => {
    for (const asked of [undefined, 3_600_000]) {
      const dog = new StallWatchdog(LIMITS, 0);
      dog.cpu(0, 0);
      dog.event(bash('toolu_1', 'make', asked), 0);
      const got = runUntil(dog, CHECK, 2_000_000, idle)!;
      expect(got.verdict.tool?.limitMs).toBe(600_000);
      expect(got.at).toBeGreaterThan(660_000);
      expect(got.at).toBeLessThanOrEqual(660_000 + CHECK);
    }
  });

  it('a short Bash timeout never allows less silence than stallTimeoutSec', () => {
    const dog = new StallWatchdog(LIMITS, 0);
    dog.cpu(0, 0);
    dog.event(bash('toolu_1', 'ls', 1_000), 0);
    const got = runUntil(dog, CHECK, 1_000_000, idle)!;
    expect(got.at).toBeGreaterThan(300_000);
    expect(got.verdict.cause).toBe('tool_overdue');
  });

  it('once the tool result arrives, the silence limit is stallTimeoutSec again, counted from the result', () => {
    const dog = new StallWatchdog(LIMITS, 0);
    dog.cpu(0, 0);
    dog.event(bash('toolu_1', 'npm test'), 0);
    expect(runUntil(dog, CHECK, 500_000, idle)).toBeNull();
    dog.event(toolResult('toolu_1'), 500_000);
    dog.output(500_000);
    const got = runUntil(dog, 500_000 + CHECK, 2_000_000, idle)!;
    expect(got.at).toBeLessThanOrEqual(800_000 + CHECK);
    expect(got.verdict.cause).toBe('silence');
    expect(got.verdict.lastSeen).toBe('result of Bash `npm test`');
  });

  it('with parallel calls open, it waits for the one allowed to run longest', () => {
    const dog = new StallWatchdog(LIMITS, 0);
    dog.cpu(0, 0);
    dog.event(bash('toolu_short', 'ls', 400_000), 0);
    dog.event(bash('toolu_long', 'npm run e2e', 590_000), 0);
    const got = runUntil(dog, CHECK, 2_000_000, idle)!;
    expect(got.at).toBeGreaterThan(650_000);
    expect(got.verdict.tool?.command).toBe('npm run e2e');
  });

  it('a group burning CPU past every limit is working: never stalled while it burns', () => {
    const dog = new StallWatchdog(LIMITS, 0);
    dog.cpu(0, 0);
    dog.output(0);
    expect(runUntil(dog, CHECK, 3_600_000, busy)).toBeNull();
  });

  it('a group that stops using CPU after being spared is stalled for "no CPU" within the CPU window + one check', () => {
    const dog = new StallWatchdog(LIMITS, 0);
    dog.cpu(0, 0);
    dog.event(bash('toolu_1', 'npm test', 120_000), 0);
    expect(runUntil(dog, CHECK, 1_000_000, busy)).toBeNull();
    const stopped = 1_000_000;
    const got = runUntil(dog, stopped + CHECK, 3_000_000, idle, { cpu: 500_000 })!;
    expect(got.at).toBeGreaterThan(stopped + LIMITS.cpuWindowMs - CHECK);
    expect(got.at).toBeLessThanOrEqual(stopped + LIMITS.cpuWindowMs + CHECK);
    expect(got.verdict.cause).toBe('no_cpu');
    expect(got.verdict.reason).toMatch(
      /^no CPU: tool Bash open past its limit .*kept \d+ s past it while the process group used CPU; no CPU used in the last 60 s$/,
    );
  });

  it('CPU below the busy share (an idle CLI ticking) does not keep a session alive', () => {
    const dog = new StallWatchdog(LIMITS, 0);
    dog.cpu(0, 0);
    const got = runUntil(dog, CHECK, 400_000, () => CHECK * 0.005)!;
    expect(got.verdict.cause).toBe('silence');
    expect(got.verdict.reason).toMatch(/; only 300 ms of CPU in the last 60 s$/);
  });

  it('CPU used before the last output does not count as working after it', () => {
    const dog = new StallWatchdog({ ...LIMITS, stallMs: 2_000, cpuWindowMs: 5_000 }, 0);
    dog.cpu(0, 0);
    dog.cpu(900, 400); // a burst, then the output
    dog.output(1_000);
    dog.cpu(1_500, 400);
    dog.cpu(2_500, 400);
    expect(dog.check(2_500)).toBeNull();
    dog.cpu(3_100, 400);
    expect(dog.check(3_100)?.cause).toBe('silence');
  });

  it('when CPU cannot be measured it falls back to the silence limits', () => {
    const dog = new StallWatchdog(LIMITS, 0);
    const got = runUntil(dog, 0, 400_000, () => null)!;
    expect(got.verdict.reason).toMatch(/CPU use could not be measured$/);
    expect(got.at).toBeLessThanOrEqual(300_000 + CHECK);
  });

  it('output resets the clock; a result closes every open call', () => {
    const dog = new StallWatchdog(LIMITS, 0);
    dog.cpu(0, 0);
    dog.event(bash('toolu_1', 'npm test'), 0);
    dog.event(event({ type: 'result', subtype: 'success', is_error: false }), 10_000);
    dog.output(10_000);
    expect(dog.openTools()).toEqual([]);
    const got = runUntil(dog, CHECK * 3, 1_000_000, idle)!;
    expect(got.at).toBeLessThanOrEqual(310_000 + CHECK);
    expect(got.verdict.lastSeen).toBe('result (success)');
  });
});

describe('stall limits from the config', () => {
  it('defaults: 300 s silence, Bash up to 600 s + 60 s, CPU window one minute, checks every 5 s', () => {
    const checkMs = stallCheckMs(300);
    expect(checkMs).toBe(5_000);
    expect(
      stallLimitsFromConfig(
        { stallTimeoutSec: 300, toolTimeoutMaxSec: 600, toolTimeoutMarginSec: 60, busyCpuPercent: 1 },
        checkMs,
      ),
    ).toEqual(LIMITS);
  });

  it('short test limits keep a CPU window of at least two checks', () => {
    expect(stallCheckMs(2)).toBe(500);
    expect(
      stallLimitsFromConfig(
        { stallTimeoutSec: 0.2, toolTimeoutMaxSec: 1, toolTimeoutMarginSec: 0, busyCpuPercent: 5 },
        100,
      ),
    ).toMatchObject({ stallMs: 200, cpuWindowMs: 200, busyCpuRatio: 0.05 });
  });
});
