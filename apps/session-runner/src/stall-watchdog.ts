/**
 * Calls `onStall` once when no output arrived for `stallMs`. Checked every `checkMs`, so a silent
 * agent is caught within stallMs + checkMs.
 */
export class StallWatchdog {
  private last = Date.now();
  private timer?: NodeJS.Timeout;
  stalled = false;

  constructor(private readonly stallMs: number, private readonly checkMs: number, private readonly onStall: () => void) {}

  start(): void {
    this.last = Date.now();
    this.timer = setInterval(() => {
      if (!this.stalled && Date.now() - this.last > this.stallMs) {
        this.stalled = true;
        this.onStall();
      }
    }, this.checkMs);
    this.timer.unref();
  }

  /** Output arrived. */
  touch(): void {
    this.last = Date.now();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
