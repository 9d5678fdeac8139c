import { execFile, execFileSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';

/** One process and the CPU it used (user + system, plus its reaped children on Linux), in ms. */
export interface ProcessCpu {
  pid: number;
  ppid: number;
  pgid: number;
  cpuMs: number;
}

/** Reads every process of the machine; null when this platform gives no way to. */
export type ProcessTableReader = () => Promise<ProcessCpu[] | null>;

/**
 * A monotonic count of the CPU ms used by a process group and every descendant of its members (a tool
 * that starts its command in a new session or group still counts while it is a child). Each process
 * adds only what it used since the previous sample, so a member that exits does not make the count
 * go backwards; its reaped time moves into its parent's count, which errs towards "working".
 */
export class GroupCpuMeter {
  private previous = new Map<number, number>();
  private total = 0;

  constructor(
    private readonly pgid: number,
    private readonly read: ProcessTableReader = () => readProcessTable(),
  ) {}

  /** Cumulative CPU ms of the group so far, or null when it cannot be measured. */
  async sample(): Promise<number | null> {
    const table = await this.read().catch(() => null);
    return this.sampleFrom(table && new ProcessIndex(table));
  }

  /** The same from a table someone already read (one read serves every session's meter). */
  sampleFrom(index: ProcessIndex | null): number | null {
    if (!index) return null;
    const current = new Map<number, number>();
    for (const proc of index.groupAndDescendants(this.pgid)) {
      current.set(proc.pid, proc.cpuMs);
      this.total += Math.max(0, proc.cpuMs - (this.previous.get(proc.pid) ?? 0));
    }
    this.previous = current;
    return this.total;
  }
}

/** A process table indexed by group and parent, so each of many groups is found without a pass over the table. */
export class ProcessIndex {
  private readonly byGroup = new Map<number, ProcessCpu[]>();
  private readonly byParent = new Map<number, ProcessCpu[]>();

  constructor(table: readonly ProcessCpu[]) {
    for (const p of table) {
      push(this.byGroup, p.pgid, p);
      push(this.byParent, p.ppid, p);
    }
  }

  /** As `groupAndDescendants(table, pgid)`: the members of `pgid` and, transitively, every child of one of them. */
  groupAndDescendants(pgid: number): ProcessCpu[] {
    const found = [...(this.byGroup.get(pgid) ?? [])];
    const inside = new Set(found.map((p) => p.pid));
    for (let i = 0; i < found.length; i++) {
      for (const child of this.byParent.get(found[i]!.pid) ?? []) {
        if (inside.has(child.pid)) continue;
        inside.add(child.pid);
        found.push(child);
      }
    }
    return found;
  }
}

function push(map: Map<number, ProcessCpu[]>, key: number, p: ProcessCpu): void {
  const list = map.get(key);
  if (list) list.push(p);
  else map.set(key, [p]);
}

/** The members of `pgid` and, transitively, every child of one of them. */
export function groupAndDescendants(table: readonly ProcessCpu[], pgid: number): ProcessCpu[] {
  const inside = new Set(table.filter((p) => p.pgid === pgid).map((p) => p.pid));
  let grew = inside.size > 0;
  while (grew) {
    grew = false;
    for (const p of table) {
      if (!inside.has(p.pid) && inside.has(p.ppid)) {
        inside.add(p.pid);
        grew = true;
      }
    }
  }
  return table.filter((p) => inside.has(p.pid));
}

let shared: { at: number; table: Promise<ProcessCpu[] | null> } | undefined;

/**
 * /proc on Linux, `ps` elsewhere (macOS, BSDs). `maxAgeMs`: a table read that recently by anyone in this
 * process is reused. Every session's stall monitor samples its group on its own timer; with many sessions one
 * read (every /proc/<pid>/stat) serves them all instead of one read each.
 */
export function readProcessTable(maxAgeMs = 0): Promise<ProcessCpu[] | null> {
  const now = Date.now();
  if (!shared || now - shared.at > maxAgeMs)
    shared = { at: now, table: process.platform === 'linux' ? readProcTable() : readPsTable() };
  return shared.table;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100; // the value on every Linux architecture Node supports
    }
  }
  return ticksPerSecond;
}

/**
 * Synchronous on purpose: a /proc read never waits on a disk, and open+read+close on the loop costs a few
 * microseconds a file, where the promise API paid four thread-pool round trips per file.
 */
function readProcTable(): Promise<ProcessCpu[] | null> {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return Promise.resolve(null);
  }
  const msPerTick = 1000 / clockTicks();
  const rows: ProcessCpu[] = [];
  for (const entry of entries) {
    const code = entry.charCodeAt(0);
    if (code < 48 || code > 57) continue; // not a pid
    const stat = readSmall(`/proc/${entry}/stat`);
    const row = stat === null ? null : parseProcStat(stat, msPerTick);
    if (row) rows.push(row);
  }
  return Promise.resolve(rows);
}

const statBuffer = Buffer.alloc(4096);

/** A /proc file that fits one read (a stat line is ~300 bytes); null when the process is gone. */
function readSmall(file: string): string | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const n = readSync(fd, statBuffer, 0, statBuffer.length, 0);
    return statBuffer.toString('latin1', 0, n);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** One /proc/<pid>/stat line: utime + stime + cutime + cstime (fields 14–17), in ms. */
export function parseProcStat(stat: string, msPerTick = 10): ProcessCpu | null {
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  const pid = Number(stat.slice(0, stat.indexOf(' ')));
  // After the parenthesised command name: state(3) ppid(4) pgrp(5) ... utime(14) stime(15) cutime(16) cstime(17)
  const f = stat.slice(close + 2).split(' ');
  const ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  if (!Number.isFinite(pid) || !Number.isFinite(ticks)) return null;
  return { pid, ppid: Number(f[1]), pgid: Number(f[2]), cpuMs: ticks * msPerTick };
}

/** How long one `ps` may take before it is killed and the table counts as unreadable. */
export const PS_TIMEOUT_MS = 5000;

/**
 * `ps` on any Unix (macOS has no /proc); exported so Linux tests exercise it too. A `ps` that hangs (a
 * stuck process it stats, a loaded machine) is killed after `timeoutMs`: one read must never hold up
 * every session's monitor. `command`: the ps to run (a test passes one that hangs).
 */
export function readPsTable(timeoutMs = PS_TIMEOUT_MS, command = 'ps'): Promise<ProcessCpu[] | null> {
  return new Promise((resolve) => {
    execFile(
      command,
      ['-A', '-o', 'pid=,ppid=,pgid=,time='],
      { maxBuffer: 16 * 1024 * 1024, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, stdout) => resolve(error ? null : parsePsTable(stdout)),
    );
  });
}

/** `ps -A -o pid=,ppid=,pgid=,time=` output, on procps (`hh:mm:ss`, `d-hh:mm:ss`) and BSD (`m:ss.cc`). */
export function parsePsTable(text: string): ProcessCpu[] {
  const rows: ProcessCpu[] = [];
  for (const line of text.split('\n')) {
    const [pid, ppid, pgid, time] = line.trim().split(/\s+/);
    const cpuMs = time === undefined ? NaN : parsePsTime(time);
    if (pid === undefined || !Number.isFinite(cpuMs)) continue;
    rows.push({ pid: Number(pid), ppid: Number(ppid), pgid: Number(pgid), cpuMs });
  }
  return rows;
}

/** `[[dd-]hh:]mm:ss[.cc]` → ms; NaN when it is not a time. */
export function parsePsTime(time: string): number {
  const match = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(time);
  if (!match) return NaN;
  const [, days, hours, minutes, seconds] = match;
  return (
    ((Number(days ?? 0) * 24 + Number(hours ?? 0)) * 60 + Number(minutes)) * 60_000 + Math.round(Number(seconds) * 1000)
  );
}
