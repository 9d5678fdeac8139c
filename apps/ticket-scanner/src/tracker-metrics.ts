import type { Tracker } from '@nightshift/tracker';
import { Counter, Gauge, type Registry } from 'prom-client';

/** Error names the tracker adapters throw, as the `reason` label (anything else is "other"). */
const REASONS: Record<string, string> = {
  TrackerRateLimitedError: 'rate_limited',
  TrackerUnavailableError: 'unavailable',
  TrackerAuthError: 'auth',
  TrackerRequestError: 'rejected',
  TrackerQueryTooComplexError: 'too_complex',
};

/**
 * Counts failed tracker calls by reason (`nightshift_tracker_errors_total{tracker,operation,reason}`)
 * so a rate limit or an outage shows on a dashboard, not only as skipped scans in the log, and the
 * rate-limit budget left (`nightshift_tracker_budget_remaining{tracker,kind}`) for trackers that report it.
 */
export function withTrackerMetrics(tracker: Tracker, registry: Registry): Tracker {
  const errors = new Counter({
    name: 'nightshift_tracker_errors_total',
    help: 'Failed tracker calls by operation and reason',
    labelNames: ['tracker', 'operation', 'reason'],
    registers: [registry],
  });
  if (tracker.budget) {
    const budget = tracker.budget.bind(tracker);
    new Gauge({
      name: 'nightshift_tracker_budget_remaining',
      help: 'Rate-limit budget left as the tracker last reported it (requests or complexity points)',
      labelNames: ['tracker', 'kind'],
      registers: [registry],
      collect() {
        for (const b of budget()) this.set({ tracker: tracker.kind, kind: b.kind }, b.remaining);
      },
    });
  }
  const count = <T>(operation: string, call: () => Promise<T>): Promise<T> =>
    call().catch((err: unknown) => {
      errors.inc({ tracker: tracker.kind, operation, reason: REASONS[(err as Error)?.name] ?? 'other' });
      throw err;
    });
  const wrapped: Tracker = {
    kind: tracker.kind,
    listByStates: (states) => count('list', () => tracker.listByStates(states)),
    getTicket: (key) => count('get', () => tracker.getTicket(key)),
    moveTo: (key, state) => count('move', () => tracker.moveTo(key, state)),
    comment: (key, body) => count('comment', () => tracker.comment(key, body)),
  };
  if (tracker.watch) wrapped.watch = (onChange) => tracker.watch!(onChange);
  if (tracker.statesOf) wrapped.statesOf = (keys) => count('states', () => tracker.statesOf!(keys));
  if (tracker.budget) wrapped.budget = () => tracker.budget!();
  if (tracker.usage) wrapped.usage = () => tracker.usage!();
  if (tracker.addLabel) wrapped.addLabel = (key, label) => count('label', () => tracker.addLabel!(key, label));
  return wrapped;
}
