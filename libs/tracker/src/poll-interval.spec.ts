import { planPoll, pollDelayMs } from './poll-interval';
import type { TrackerBudget } from './tracker';

const NOW = 1_800_000_000_000;
const budget = (kind: TrackerBudget['kind'], limit: number, remaining: number, resetInMs = 600_000): TrackerBudget => ({
  kind,
  limit,
  remaining,
  resetAt: NOW + resetInMs,
  at: NOW,
});

describe('pollDelayMs', () => {
  it('keeps the configured interval while every budget is at least half full, or nothing is known', () => {
    expect(pollDelayMs(120_000, [], NOW)).toBe(120_000);
    expect(pollDelayMs(120_000, [budget('complexity', 250_000, 125_000), budget('requests', 2500, 2400)], NOW)).toBe(
      120_000,
    );
  });

  it('stretches the interval as the scarcest budget runs low, and waits for the reset below a tenth', () => {
    expect(pollDelayMs(120_000, [budget('complexity', 250_000, 62_500), budget('requests', 2500, 2400)], NOW)).toBe(
      240_000,
    );
    expect(pollDelayMs(120_000, [budget('requests', 2500, 300)], NOW)).toBe(500_000);
    expect(pollDelayMs(120_000, [budget('complexity', 250_000, 1000, 900_000)], NOW)).toBe(900_000);
  });

  it('counts what the leaky bucket refilled since the report, and never waits longer than an hour', () => {
    // A quarter left an hour-quarter ago: half full by now.
    expect(pollDelayMs(120_000, [{ ...budget('complexity', 250_000, 62_500), at: NOW - 900_000 }], NOW)).toBe(120_000);
    expect(pollDelayMs(120_000, [budget('complexity', 250_000, 0, 10 * 3_600_000)], NOW)).toBe(3_600_000);
  });
});

describe('planPoll', () => {
  const budget = { requestsPerHour: 5_000, pointsPerHour: 250_000 };
  it('keeps polling within its share of the configured hourly budget, and says so', () => {
    // 2,000 points a cycle at every 120 s = 60,000 points an hour: under 25 % of 250,000.
    expect(planPoll(120_000, [], { cycle: { requests: 3, points: 2_000 }, budget, share: 0.25 }, NOW)).toEqual({
      delayMs: 120_000,
      pace: 'interval',
    });
    // 5,000 points a cycle: 25 % (62,500 points) allows 12.5 polls an hour, one every 288 s.
    expect(planPoll(120_000, [], { cycle: { requests: 3, points: 5_000 }, budget, share: 0.25 }, NOW)).toEqual({
      delayMs: 288_000,
      pace: 'poll-share',
    });
    // Requests bind too: 100 a cycle of 5,000 an hour at 25 % is one poll every 288 s.
    expect(planPoll(120_000, [], { cycle: { requests: 100, points: 0 }, budget, share: 0.25 }, NOW).delayMs).toBe(
      288_000,
    );
  });

  it('names a budget running low or spent as the reason once that stretches further', () => {
    const cycle = { cycle: { requests: 1, points: 10 }, budget, share: 0.25 };
    expect(planPoll(120_000, [budget_('complexity', 250_000, 62_500)], cycle, NOW)).toEqual({
      delayMs: 240_000,
      pace: 'budget-low',
    });
    expect(planPoll(120_000, [budget_('complexity', 250_000, 1000, 900_000)], cycle, NOW)).toEqual({
      delayMs: 900_000,
      pace: 'budget-spent',
    });
  });
});

function budget_(kind: TrackerBudget['kind'], limit: number, remaining: number, resetInMs = 600_000): TrackerBudget {
  return { kind, limit, remaining, resetAt: NOW + resetInMs, at: NOW };
}
