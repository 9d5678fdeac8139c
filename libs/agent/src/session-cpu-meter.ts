import type { ProcessCpu, ProcessIndex } from './process-cpu';

/** Which processes a CPU sample counted, for the verdict: a stall judged on the wrong ones must say so. */
export interface CpuCounted {
  /** The agent's own process (counted). */
  agent: number;
  /** The processes of its open tool call (counted). */
  tool: number[];
  /** Long-lived descendants left out: started outside any open tool call (a dev server, a watcher, an MCP server). */
  background: number[];
}

/**
 * A monotonic count of the CPU ms of an agent session that says whether the agent works: its own
 * process (the group leader) and its foreground tool call, i.e. the children it started while a tool
 * call was open, with their descendants. A child started outside the open call (a server started with
 * `run_in_background`, a watcher, an MCP server) is background and never counts, however busy: else
 * one busy background child hides a hung CLI until the session timeout. Each process adds only what it
 * used since the previous sample, so an exit never makes the count go backwards.
 */
export class SessionCpuMeter {
  private previous = new Map<number, number>();
  private readonly firstSeen = new Map<number, number>();
  private total = 0;
  private lastCounted: CpuCounted | null = null;

  /**
   * @param leader the agent's pid (its process group id)
   * @param slackMs a child first seen this long before the tool call opened still belongs to it (the
   *   CLI may start the command before its tool_use line is read)
   */
  constructor(
    private readonly leader: number,
    private readonly slackMs: number,
  ) {}

  /** What the last sample counted and left out; null before any table could be read. */
  get counted(): CpuCounted | null {
    return this.lastCounted;
  }

  /**
   * Cumulative CPU ms of the leader and its foreground tool call, or null when the table could not be read.
   * `toolOpenedAt`: when the oldest tool call still open began; null when none is open.
   */
  sampleFrom(index: ProcessIndex | null, now: number, toolOpenedAt: number | null): number | null {
    if (!index) return null;
    const members = index.groupAndDescendants(this.leader);
    const byPid = new Map(members.map((p) => [p.pid, p]));
    for (const pid of this.firstSeen.keys()) if (!byPid.has(pid)) this.firstSeen.delete(pid); // pids are reused
    for (const p of members) if (!this.firstSeen.has(p.pid)) this.firstSeen.set(p.pid, now);

    const foreground = this.classify(byPid, toolOpenedAt);
    const current = new Map<number, number>();
    const tool: number[] = [];
    const background: number[] = [];
    for (const p of members) {
      current.set(p.pid, p.cpuMs);
      if (!foreground(p)) {
        background.push(p.pid);
        continue;
      }
      if (p.pid !== this.leader) tool.push(p.pid);
      this.total += Math.max(0, p.cpuMs - (this.previous.get(p.pid) ?? 0));
    }
    this.previous = current;
    this.lastCounted = { agent: this.leader, tool, background };
    return this.total;
  }

  /**
   * Foreground: the leader, and everything under a child of the leader first seen while a tool call was
   * open. A group member whose parent is gone (a daemon that double-forked) is background.
   */
  private classify(byPid: Map<number, ProcessCpu>, toolOpenedAt: number | null): (p: ProcessCpu) => boolean {
    const memo = new Map<number, boolean>();
    const visit = (p: ProcessCpu, depth: number): boolean => {
      if (p.pid === this.leader) return true;
      const known = memo.get(p.pid);
      if (known !== undefined) return known;
      let fg: boolean;
      if (p.ppid === this.leader)
        fg = toolOpenedAt !== null && (this.firstSeen.get(p.pid) ?? 0) >= toolOpenedAt - this.slackMs;
      else {
        const parent = byPid.get(p.ppid);
        fg = parent !== undefined && depth < 64 && visit(parent, depth + 1);
      }
      memo.set(p.pid, fg);
      return fg;
    };
    return (p) => visit(p, 0);
  }
}
