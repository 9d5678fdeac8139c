import type { TrackerBudget, TrackerUsage } from './tracker';

/** Below this share of a budget left, polling slows down. */
const SLOW_BELOW = 0.5;
/** Below this share, polling waits for the budget to be full again (webhooks still bring tickets in). */
const STOP_BELOW = 0.1;
/** Never stretch a poll beyond this, whatever a reset header says. */
const MAX_DELAY_MS = 3_600_000;

/**
 * The delay before the next poll: the configured interval while every budget is at least half
 * full, stretched by half/left below that (a quarter left → twice the interval), and until the
 * budget's reset once less than a tenth is left. Webhook-triggered scans are not delayed by this.
 */
export function pollDelayMs(baseMs: number, budgets: TrackerBudget[], now = Date.now()): number {
  return planPoll(baseMs, budgets, undefined, now).delayMs;
}

/** Why the next poll is when it is: the configured interval, or slowed (and by what). */
export type PollPace = 'interval' | 'poll-share' | 'budget-low' | 'budget-spent';

/** What one poll cycle spent (everything the poller's client did since the previous poll), and its share of the hourly budget. */
export interface PollShare {
  cycle: { requests: number; points: number };
  budget: TrackerUsage['budget'];
  /** Of the hourly budget, polling may spend this share (config `pollBudgetShare`, default 0.25); moves and comments get the rest. */
  share: number;
}

/**
 * The delay before the next poll and why: at least the configured interval; long enough that polls at
 * this cycle's cost spend at most `share` of the hourly budget; stretched further while a budget
 * Linear reports runs low (pollDelayMs), and until its reset once it is all but spent.
 */
export function planPoll(
  baseMs: number,
  budgets: TrackerBudget[],
  share?: PollShare,
  now = Date.now(),
): { delayMs: number; pace: PollPace } {
  let delay = baseMs;
  let pace: PollPace = 'interval';
  if (share && share.share > 0) {
    const byRequests = share.budget.requestsPerHour > 0 ? share.cycle.requests / share.budget.requestsPerHour : 0;
    const byPoints = share.budget.pointsPerHour > 0 ? share.cycle.points / share.budget.pointsPerHour : 0;
    const needed = Math.ceil((3_600_000 * Math.max(byRequests, byPoints)) / share.share);
    if (needed > delay) {
      delay = needed;
      pace = 'poll-share';
    }
  }
  for (const b of budgets) {
    if (b.limit <= 0) continue;
    // Linear refills at limit/hour (a leaky bucket): count what came back since the report.
    const left = Math.min(1, Math.max(0, b.remaining + ((now - b.at) * b.limit) / 3_600_000) / b.limit);
    if (left >= SLOW_BELOW) continue;
    const stretched = left < STOP_BELOW ? b.resetAt - now : (baseMs * SLOW_BELOW) / left;
    if (stretched > delay) {
      delay = stretched;
      pace = left < STOP_BELOW ? 'budget-spent' : 'budget-low';
    }
  }
  return { delayMs: Math.min(Math.max(delay, baseMs), Math.max(baseMs, MAX_DELAY_MS)), pace };
}
