import type { Logger } from 'pino';

/**
 * The work that follows a successful scan (reconciliation, stranded tickets, review feedback, the
 * fast-fail guard), run at most once per `gapMs`. A board that changes many times a second (every
 * move of a busy swarm is a change signal) would otherwise run all of it after every one of those
 * scans. A request inside the gap is not dropped: one run follows at the gap's end, so a human's move
 * is reconciled within the gap, never left for the next poll.
 */
export class AfterScanTasks {
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private lastStart = Number.NEGATIVE_INFINITY;
  private again = false;
  private closed = false;

  constructor(
    private readonly tasks: ReadonlyArray<() => Promise<unknown>>,
    private readonly gapMs: number,
    private readonly logger: Logger,
  ) {}

  /** Runs the tasks now when the gap has passed (resolving when they are done), else once at its end. */
  request(): Promise<void> {
    if (this.closed || this.tasks.length === 0) return Promise.resolve();
    if (this.running || this.timer) {
      this.again = true;
      return Promise.resolve();
    }
    const wait = this.lastStart + this.gapMs - Date.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.runNow();
      }, wait);
      return Promise.resolve();
    }
    return this.runNow();
  }

  private runNow(): Promise<void> {
    this.lastStart = Date.now();
    this.again = false;
    this.running = (async () => {
      for (const task of this.tasks) {
        if (this.closed) return;
        await task().catch((err: unknown) =>
          this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'after-scan task failed'),
        );
      }
    })().finally(() => {
      this.running = undefined;
      if (this.again) void this.request();
    });
    return this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
