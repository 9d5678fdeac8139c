import { GroupCpuMeter, readProcessTable, type ProcessTableReader } from './process-cpu';
import { StallWatchdog, type StallLimits, type StallVerdict } from './stall-watchdog';
import type { StreamEvent } from './stream-events';

export interface StallMonitorOptions {
  limits: StallLimits;
  /** How often CPU is sampled and the verdict taken; a silent idle session is caught within its limit + this. */
  checkMs: number;
  /** Called once, with the verdict, when the session is stalled (e.g. to kill its process group). */
  onStall: (verdict: StallVerdict) => void;
  /** The process table; tests may pass their own. Default: /proc on Linux, `ps` elsewhere. */
  readProcesses?: ProcessTableReader;
}

/**
 * Runs a StallWatchdog on a live session: wire `output` and `event` to the agent's stream and `start`
 * to its spawn (the pid is its process group), then `stop` when it exits.
 */
export class StallMonitor {
  private readonly watchdog: StallWatchdog;
  private timer?: NodeJS.Timeout;
  private checking = false;
  private meter?: GroupCpuMeter;
  verdict?: StallVerdict;

  constructor(private readonly options: StallMonitorOptions) {
    this.watchdog = new StallWatchdog(options.limits, Date.now());
  }

  get stalled(): boolean {
    return this.verdict !== undefined;
  }

  /** Starts sampling the group of `pgid`, with a first sample at once as the baseline. */
  start(pgid: number): void {
    if (this.timer) return;
    // A table up to half a check old is as good as a fresh one for this check, and shared with every other session.
    this.meter = new GroupCpuMeter(pgid, this.options.readProcesses ?? (() => readProcessTable(this.options.checkMs / 2)));
    this.watchdog.output(Date.now());
    void this.sample();
    this.timer = setInterval(() => void this.tick(), this.options.checkMs);
    this.timer.unref();
  }

  output(): void {
    this.watchdog.output(Date.now());
  }

  event(event: StreamEvent): void {
    this.watchdog.event(event, Date.now());
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async sample(): Promise<void> {
    const cpuMs = this.meter ? await this.meter.sample() : null;
    this.watchdog.cpu(Date.now(), cpuMs);
  }

  private async tick(): Promise<void> {
    if (this.checking || this.verdict || !this.timer) return;
    this.checking = true;
    try {
      await this.sample();
      if (!this.timer) return;
      const verdict = this.watchdog.check(Date.now());
      if (verdict) {
        this.verdict = verdict;
        this.stop();
        this.options.onStall(verdict);
      }
    } finally {
      this.checking = false;
    }
  }
}
