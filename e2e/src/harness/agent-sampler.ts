import { readdirSync, readlinkSync } from 'node:fs';

import { processGroupOf, processSession } from '@nightshift/agent';

/**
 * Samples the machine's processes every few ms and remembers, per worktree, the most agent process groups
 * ever alive in it at once (an agent = a group leader launched with a Nightshift session key, working under
 * `root`). The proof that two agents never worked one ticket is `maxPerWorktree() <= 1`.
 */
export class AgentSampler {
  private readonly max = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  samples = 0;

  constructor(
    private readonly root: string,
    everyMs = 50,
  ) {
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  /** Agent group leaders alive now, by worktree. */
  agentsNow(): Map<string, number[]> {
    const byCwd = new Map<string, number[]>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      if (processGroupOf(pid) !== pid || processSession(pid) === null) continue;
      let cwd: string;
      try {
        cwd = readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        continue;
      }
      if (!cwd.startsWith(this.root)) continue;
      byCwd.set(cwd, [...(byCwd.get(cwd) ?? []), pid]);
    }
    return byCwd;
  }

  private sample(): void {
    this.samples++;
    for (const [cwd, pids] of this.agentsNow()) this.max.set(cwd, Math.max(this.max.get(cwd) ?? 0, pids.length));
  }

  maxPerWorktree(): number {
    return Math.max(0, ...this.max.values());
  }

  worktreesSeen(): number {
    return this.max.size;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
