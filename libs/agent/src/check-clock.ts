import { type ProcessCpu, ProcessIndex, type ProcessTableReader, readProcessTable } from './process-cpu';

/** Called on every tick with the process table read for it (null when it could not be read). */
export type CheckMember = (index: ProcessIndex | null) => void;

/**
 * One timer and one process-table read per interval for every stall monitor of this process that checks at
 * that interval. With hundreds of sessions, a timer and a table lookup each would wake the runner hundreds
 * of times per interval for the same answer.
 */
export class CheckClock {
  private readonly members = new Set<CheckMember>();
  private timer?: NodeJS.Timeout;
  private ticking = false;

  /**
   * @param readDeadlineMs how long a tick waits for its table before it goes on without one (members get
   *   null); the read itself may finish later, unheard. Default: two intervals.
   */
  constructor(
    readonly everyMs: number,
    private readonly read: ProcessTableReader,
    private readonly readDeadlineMs = everyMs * 2,
  ) {}

  get size(): number {
    return this.members.size;
  }

  join(member: CheckMember): void {
    this.members.add(member);
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.everyMs);
    this.timer.unref();
  }

  leave(member: CheckMember): void {
    this.members.delete(member);
    if (this.members.size > 0 || !this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const table = await withDeadline(this.read(), this.readDeadlineMs);
      const index = table && new ProcessIndex(table);
      // A member may leave (or stop) while another one's verdict is handled: iterate over a copy.
      for (const member of [...this.members]) {
        if (!this.members.has(member)) continue;
        try {
          member(index);
        } catch {
          // one monitor's failing callback must not starve the others
        }
      }
    } finally {
      this.ticking = false;
    }
  }
}

/**
 * The table, or null when the read fails or outlasts `ms`: a hung read (a `ps` stuck on a process) must
 * not stop the clock, or every session's monitor would stop judging with it.
 */
function withDeadline(read: Promise<ProcessCpu[] | null>, ms: number): Promise<ProcessCpu[] | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
    timer.unref();
  });
  return Promise.race([read.catch(() => null), late]).finally(() => clearTimeout(timer));
}

const clocks = new WeakMap<ProcessTableReader, Map<number, CheckClock>>();

/** The process-wide clock of `everyMs` reading through `read` (default: the machine's process table). */
export function checkClock(everyMs: number, read: ProcessTableReader = defaultReader): CheckClock {
  let byInterval = clocks.get(read);
  if (!byInterval) clocks.set(read, (byInterval = new Map()));
  let clock = byInterval.get(everyMs);
  if (!clock) byInterval.set(everyMs, (clock = new CheckClock(everyMs, read)));
  return clock;
}

const defaultReader: ProcessTableReader = () => readProcessTable();
