import { checkClock, type CheckClock, type CheckMember } from './check-clock';
import { GroupCpuMeter, readProcessTable, type ProcessIndex, type ProcessTableReader } from './process-cpu';
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
  private clock?: CheckClock;
  private meter?: GroupCpuMeter;
  verdict?: StallVerdict;
  private readonly onTick: CheckMember = (index) => this.tick(index);

  constructor(private readonly options: StallMonitorOptions) {
    this.watchdog = new StallWatchdog(options.limits, Date.now());
  }

  get stalled(): boolean {
    return this.verdict !== undefined;
  }

  /** Starts sampling the group of `pgid`, with a first sample at once as the baseline. */
  start(pgid: number): void {
    if (this.clock) return;
    const read = this.options.readProcesses;
    // A table up to half a check old is as good as a fresh one for a baseline, and shared with every other session.
    this.meter = new GroupCpuMeter(pgid, read ?? (() => readProcessTable(this.options.checkMs / 2)));
    this.watchdog.output(Date.now());
    void this.meter.sample().then((cpuMs) => this.watchdog.cpu(Date.now(), cpuMs));
    // Later samples and checks ride the clock every monitor of this interval shares: one timer, one table read.
    this.clock = checkClock(this.options.checkMs, read);
    this.clock.join(this.onTick);
  }

  output(): void {
    this.watchdog.output(Date.now());
  }

  event(event: StreamEvent): void {
    this.watchdog.event(event, Date.now());
  }

  stop(): void {
    this.clock?.leave(this.onTick);
    this.clock = undefined;
  }

  private tick(index: ProcessIndex | null): void {
    if (this.verdict || !this.clock || !this.meter) return;
    this.watchdog.cpu(Date.now(), this.meter.sampleFrom(index));
    const verdict = this.watchdog.check(Date.now());
    if (!verdict) return;
    this.verdict = verdict;
    this.stop();
    this.options.onStall(verdict);
  }
}
