import { pollDelayMs } from './poll-interval';
import type { TrackerBudget } from './tracker';

const NOW = 1_800_000_000_000;
const budget = (kind: TrackerBudget['kind'], limit: number, remaining: number, resetInMs = 600_000): TrackerBudget => ({ kind, limit, remaining, resetAt: NOW + resetInMs, at: NOW });

describe('pollDelayMs', () => {
  it('keeps the configured interval while every budget is at least half full, or nothing is known', () => {
    expect(pollDelayMs(120_000, [], NOW)).toBe(120_000);
    expect(pollDelayMs(120_000, [budget('complexity', 250_000, 125_000), budget('requests', 2500, 2400)], NOW)).toBe(120_000);
  });

  it('stretches the interval as the scarcest budget runs low, and waits for the reset below a tenth', () => {
    expect(pollDelayMs(120_000, [budget('complexity', 250_000, 62_500), budget('requests', 2500, 2400)], NOW)).toBe(240_000);
    expect(pollDelayMs(120_000, [budget('requests', 2500, 300)], NOW)).toBe(500_000);
    expect(pollDelayMs(120_000, [budget('complexity', 250_000, 1000, 900_000)], NOW)).toBe(900_000);
  });

  it('counts what the leaky bucket refilled since the report, and never waits longer than an hour', () => {
    // A quarter left an hour-quarter ago: half full by now.
    expect(pollDelayMs(120_000, [{ ...budget('complexity', 250_000, 62_500), at: NOW - 900_000 }], NOW)).toBe(120_000);
    expect(pollDelayMs(120_000, [budget('complexity', 250_000, 0, 10 * 3_600_000)], NOW)).toBe(3_600_000);
  });
});
