import { type IntakeJob, intakeJobId, type IntakeSource, JOB, ticketSnapshot } from '@nightshift/contracts';
import type { JobQueue } from '@nightshift/service-shell';
import type { EventLog, PollSlowdown } from '@nightshift/state';
import { planPoll, type PollPace, type Tracker, type TrackerUsage } from '@nightshift/tracker';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

import { AfterScanTasks } from './after-scan-tasks';

export interface TicketScannerOptions {
  tracker: Tracker;
  intake: JobQueue<'intake'>;
  events: EventLog;
  logger: Logger;
  registry: Registry;
  queueStates: string[];
  scanIntervalMs: number;
  /** Work done after a scan (reconciliation, the fast-fail guard); a failure is logged, never fatal. */
  afterScan?: Array<() => Promise<unknown>>;
  /** The least time between two runs of `afterScan` (default 1000 ms); a scan inside the gap leaves one run for its end. */
  afterScanGapMs?: number;
  /** A scan owed to signals that came while another ran starts at least this long after that one began (default 100 ms). */
  followUpGapMs?: number;
  /** Of the tracker's hourly budget, the share polling may spend (config `pollBudgetShare`); default 0.25. */
  pollBudgetShare?: number;
  /** Told when polling slows below the configured interval or comes back to it (null), for `nightshift status`. */
  onPace?: (pace: PollSlowdown | null) => Promise<void>;
}

/**
 * Polls the tracker for tickets in the queue states and enqueues one intake job per ticket. The job id
 * is derived from the ticket key, so a ticket already waiting is not enqueued twice, however many
 * scanners run. A change signal from the tracker (webhook, file watch) triggers a scan at once;
 * polling stays as the safety net.
 */
export class TicketScanner {
  private timer?: NodeJS.Timeout;
  private unwatch?: () => void;
  private running?: Promise<void>;
  private again = false;
  private followUp?: NodeJS.Timeout;
  private stopped = false;
  /** Tickets this scanner already announced, by key → updatedAt, so `ticket.scanned` is not repeated every poll. */
  private readonly announced = new Map<string, string>();
  private readonly scans: Counter;
  private readonly enqueued: Counter;
  private readonly scanSeconds: Histogram;
  private readonly pollInterval: Gauge;
  private readonly pollSlowed: Gauge;
  private readonly after: AfterScanTasks;
  private lastUsage?: TrackerUsage;
  private pace: PollPace = 'interval';

  constructor(private readonly opts: TicketScannerOptions) {
    this.after = new AfterScanTasks(opts.afterScan ?? [], opts.afterScanGapMs ?? 1000, opts.logger);
    this.scans = new Counter({
      name: 'nightshift_scans_total',
      help: 'Tracker scans by result',
      labelNames: ['result'],
      registers: [opts.registry],
    });
    this.enqueued = new Counter({
      name: 'nightshift_intake_enqueued_total',
      help: 'Intake jobs offered to the queue',
      labelNames: ['source'],
      registers: [opts.registry],
    });
    this.scanSeconds = new Histogram({
      name: 'nightshift_scan_duration_seconds',
      help: 'Time to list candidates and enqueue them',
      registers: [opts.registry],
    });
    // The tracker-poll alert measures a silence against this, not a fixed figure: polling stretches on purpose.
    this.pollInterval = new Gauge({
      name: 'nightshift_tracker_poll_interval_seconds',
      help: 'Seconds until the next scheduled poll, stretched while the tracker budget runs low',
      labelNames: ['tracker'],
      registers: [opts.registry],
    });
    this.pollInterval.set({ tracker: opts.tracker.kind }, opts.scanIntervalMs / 1000);
    this.pollSlowed = new Gauge({
      name: 'nightshift_tracker_poll_slowed',
      help: 'Whether polling runs slower than configured, by reason (poll-share, budget-low, budget-spent)',
      labelNames: ['tracker', 'reason'],
      registers: [opts.registry],
    });
  }

  start(): void {
    this.unwatch = this.opts.tracker.watch?.(() => this.scanSoon('signal'));
    void this.poll();
  }

  /** Polls, then schedules the next poll: the interval stretches while the tracker's rate-limit budget runs low. */
  private async poll(): Promise<void> {
    const startedAt = Date.now();
    await this.scanSoon('poll');
    if (this.stopped) return;
    const delay = await this.nextDelay();
    // Counted from the start of this poll, as a fixed interval would: a slow scan does not slow the cadence.
    this.timer = setTimeout(() => void this.poll(), Math.max(0, startedAt + delay - Date.now()));
  }

  /**
   * The delay before the next poll: within the poll's share of the hourly budget (measured over the
   * last cycle: everything this scanner's tracker spent since the previous poll), stretched while the
   * budget runs low. A change of pace is announced once: an event, the metric, and a line for `status`.
   */
  private async nextDelay(): Promise<number> {
    const { tracker, scanIntervalMs } = this.opts;
    const usage = tracker.usage?.();
    const share =
      usage && this.lastUsage
        ? {
            cycle: { requests: usage.requests - this.lastUsage.requests, points: usage.points - this.lastUsage.points },
            budget: usage.budget,
            share: this.opts.pollBudgetShare ?? 0.25,
          }
        : undefined;
    this.lastUsage = usage;
    const plan = planPoll(scanIntervalMs, tracker.budget?.() ?? [], share);
    this.pollInterval.set({ tracker: tracker.kind }, plan.delayMs / 1000);
    for (const reason of ['poll-share', 'budget-low', 'budget-spent'] as const)
      this.pollSlowed.set({ tracker: tracker.kind, reason }, plan.pace === reason ? 1 : 0);
    if (plan.pace !== this.pace) {
      const intervalSec = Math.round(plan.delayMs / 1000);
      try {
        if (plan.pace === 'interval') {
          await this.opts.events.append({
            type: 'tracker.poll_resumed',
            detail: { tracker: tracker.kind, intervalSec },
          });
          await this.opts.onPace?.(null);
        } else {
          const slowdown: PollSlowdown = { reason: plan.pace, intervalSec, since: new Date().toISOString() };
          await this.opts.events.append({
            type: 'tracker.poll_slowed',
            detail: { tracker: tracker.kind, reason: plan.pace, intervalSec, share: share?.share ?? 0 },
          });
          await this.opts.onPace?.(slowdown);
        }
        this.pace = plan.pace;
      } catch (err) {
        this.opts.logger.warn({ err: String(err) }, 'could not record the poll pace; will try again next poll');
      }
      this.opts.logger.info(
        { delayMs: plan.delayMs, pace: plan.pace },
        plan.pace === 'interval'
          ? 'tracker polling back to the configured interval'
          : 'tracker polling slowed to stay within its budget (webhooks still bring tickets in)',
      );
    }
    return plan.delayMs;
  }

  /**
   * Coalesces signals: at most one scan runs, and one more follows if anything arrived meanwhile. A signal on
   * an idle board scans at once; on a busy one (every move is a signal) the follow-up waits out the gap, so
   * the whole board is not re-listed dozens of times a second.
   */
  scanSoon(source: IntakeSource): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    if (this.followUp && source === 'signal') return Promise.resolve(); // already owed, and coming
    const startedAt = Date.now();
    const scan: Promise<void> = this.scanOnce(source)
      .then(() => undefined)
      .catch((err: unknown) => {
        this.scans.inc({ result: 'error' });
        this.opts.logger.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'scan failed; skipping this tick',
        );
      })
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.followUp) {
          this.again = false;
          this.followUp = setTimeout(
            () => {
              this.followUp = undefined;
              void this.scanSoon('signal');
            },
            Math.max(0, startedAt + (this.opts.followUpGapMs ?? 100) - Date.now()),
          );
        }
      });
    this.running = scan;
    return scan;
  }

  /** One scan: every ticket in a queue state offered to intake. Returns how many were offered. */
  async scanOnce(source: IntakeSource): Promise<number> {
    const end = this.scanSeconds.startTimer();
    const tickets = await this.opts.tracker.listByStates(this.opts.queueStates);
    const seenAt = new Date().toISOString();
    // Told before the intake jobs exist: a router taking a job at once must not claim a ticket not yet scanned.
    for (const t of tickets) {
      if (this.announced.get(t.key) === t.updatedAt) continue;
      this.announced.set(t.key, t.updatedAt);
      await this.opts.events.append({ type: 'ticket.scanned', ticket: t.key, detail: { state: t.state, source } });
    }
    await this.opts.intake.addBulk(
      tickets.map((t) => ({
        name: JOB.intake,
        data: { ticketKey: t.key, source, seenAt, ticket: ticketSnapshot(t) } satisfies IntakeJob,
        opts: { jobId: intakeJobId(t.key) },
      })),
    );
    if (this.announced.size > 10_000) this.announced.clear();
    this.enqueued.inc({ source }, tickets.length);
    this.scans.inc({ result: 'ok' });
    end();
    await this.after.request();
    return tickets.length;
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.followUp) clearTimeout(this.followUp);
    this.unwatch?.();
    await this.running;
    await this.after.close();
  }
}
