import type { TrackerBudget } from './tracker';

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
  let delay = baseMs;
  for (const b of budgets) {
    if (b.limit <= 0) continue;
    // Linear refills at limit/hour (a leaky bucket): count what came back since the report.
    const left = Math.min(1, Math.max(0, b.remaining + ((now - b.at) * b.limit) / 3_600_000) / b.limit);
    if (left >= SLOW_BELOW) continue;
    const stretched = left < STOP_BELOW ? b.resetAt - now : (baseMs * SLOW_BELOW) / left;
    delay = Math.max(delay, stretched);
  }
  return Math.min(Math.max(delay, baseMs), Math.max(baseMs, MAX_DELAY_MS));
}
