import { type CheckClock, checkClock, type CheckMember } from './check-clock';
import { ProcessIndex, type ProcessTableReader, readProcessTable } from './process-cpu';
import { type CpuCounted, SessionCpuMeter } from './session-cpu-meter';
import { type StallLimits, type StallVerdict, StallWatchdog } from './stall-watchdog';
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
  private meter?: SessionCpuMeter;
  verdict?: StallVerdict;
  private readonly onTick: CheckMember = (index) => this.tick(index);

  constructor(private readonly options: StallMonitorOptions) {
    this.watchdog = new StallWatchdog(options.limits, Date.now());
  }

  get stalled(): boolean {
    return this.verdict !== undefined;
  }

  /**
   * Starts sampling the agent of `pgid` (its pid, leading its group) and its foreground tool call, with a
   * first sample at once as the baseline.
   */
  start(pgid: number): void {
    if (this.clock) return;
    const read = this.options.readProcesses;
    this.meter = new SessionCpuMeter(pgid, this.options.checkMs);
    this.watchdog.output(Date.now());
    // A table up to half a check old is as good as a fresh one for a baseline, and shared with every other session.
    void (read ?? (() => readProcessTable(this.options.checkMs / 2)))()
      .catch(() => null)
      .then((table) => this.sample(table && new ProcessIndex(table)));
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
    this.sample(index);
    const verdict = this.watchdog.check(Date.now());
    if (!verdict) return;
    this.verdict = withCpuCounted(verdict, this.meter.counted);
    this.stop();
    this.options.onStall(this.verdict);
  }

  /**
   * A table that could not be read adds no sample: the last ones stand, and once they are older than the
   * CPU window the verdict says CPU could not be measured, so one slow read neither kills nor spares.
   */
  private sample(index: ProcessIndex | null): void {
    if (!index || !this.meter) return;
    const open = this.watchdog.openTools();
    const toolOpenedAt = open.length ? Math.min(...open.map((t) => t.openedAt)) : null;
    const now = Date.now();
    this.watchdog.cpu(now, this.meter.sampleFrom(index, now, toolOpenedAt));
  }
}

/** The verdict, saying which processes its CPU figure counted and which background ones it left out. */
function withCpuCounted(verdict: StallVerdict, cpu: CpuCounted | null): StallVerdict {
  if (!cpu) return verdict;
  const { agent, tool } = cpu;
  const counted = `CPU counted: the agent (pid ${agent})${tool.length ? ` and its tool call (pids ${tool.join(', ')})` : ''}`;
  const left = cpu.background.length
    ? `, not ${cpu.background.length} background (pids ${cpu.background.join(', ')})`
    : '';
  return { ...verdict, reason: `${verdict.reason}; ${counted}${left}`, cpu };
}
