import type { JobQueue } from '@nightshift/service-shell';
import type { Logger } from 'pino';
import { Counter, Histogram, type Registry } from 'prom-client';
import { intakeJobId, JOB, type IntakeJob, type IntakeSource } from '@nightshift/contracts';
import { pollDelayMs, type Tracker } from '@nightshift/tracker';
import type { EventLog } from '@nightshift/state';
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
  private readonly after: AfterScanTasks;

  constructor(private readonly opts: TicketScannerOptions) {
    this.after = new AfterScanTasks(opts.afterScan ?? [], opts.afterScanGapMs ?? 1000, opts.logger);
    this.scans = new Counter({ name: 'nightshift_scans_total', help: 'Tracker scans by result', labelNames: ['result'], registers: [opts.registry] });
    this.enqueued = new Counter({ name: 'nightshift_intake_enqueued_total', help: 'Intake jobs offered to the queue', labelNames: ['source'], registers: [opts.registry] });
    this.scanSeconds = new Histogram({ name: 'nightshift_scan_duration_seconds', help: 'Time to list candidates and enqueue them', registers: [opts.registry] });
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
    const delay = pollDelayMs(this.opts.scanIntervalMs, this.opts.tracker.budget?.() ?? []);
    if (delay > this.opts.scanIntervalMs) this.opts.logger.info({ delayMs: delay }, 'tracker rate-limit budget low; next poll later (webhooks still bring tickets in)');
    // Counted from the start of this poll, as a fixed interval would: a slow scan does not slow the cadence.
    this.timer = setTimeout(() => void this.poll(), Math.max(0, startedAt + delay - Date.now()));
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
        this.opts.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'scan failed; skipping this tick');
      })
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.followUp) {
          this.again = false;
          this.followUp = setTimeout(() => {
            this.followUp = undefined;
            void this.scanSoon('signal');
          }, Math.max(0, startedAt + (this.opts.followUpGapMs ?? 100) - Date.now()));
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
    await this.opts.intake.addBulk(
      tickets.map((t) => ({
        name: JOB.intake,
        data: { ticketKey: t.key, source, seenAt } satisfies IntakeJob,
        opts: { jobId: intakeJobId(t.key) },
      })),
    );
    for (const t of tickets) {
      if (this.announced.get(t.key) === t.updatedAt) continue;
      this.announced.set(t.key, t.updatedAt);
      await this.opts.events.append({ type: 'ticket.scanned', ticket: t.key, detail: { state: t.state, source } });
    }
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
