import type { StreamEvent } from './stream-events';

/** How long a session may stay silent, and what counts as its process group working. */
export interface StallLimits {
  /** Silence allowed while no tool call is open (agent.stallTimeoutSec). */
  stallMs: number;
  /** A tool call's limit when it asks for none, and the cap on what a Bash call may ask (the CLI's maximum). */
  toolMaxMs: number;
  /** Added to a tool call's own limit: the CLI needs a moment to stop a command and report it. */
  toolMarginMs: number;
  /** CPU used over this window (never reaching back before the last output) decides whether the group works. */
  cpuWindowMs: number;
  /** The group works when it used at least this share of one core over the window (0.01 = 1 %). */
  busyCpuRatio: number;
}

export type StallCause = 'silence' | 'tool_overdue' | 'no_cpu';

/** Why a session was judged stalled and what the stream showed last; raw (the caller redacts before storing). */
export interface StallVerdict {
  cause: StallCause;
  /** One line: `silence with no tool open …`, `tool <name> open past its limit …` or `no CPU …`. */
  reason: string;
  /** The open tool and its command, or the last event the session printed. */
  lastSeen: string;
  /** Silence at the verdict. */
  silentMs: number;
  tool?: { name: string; command?: string; openMs: number; limitMs: number };
  /** Which processes the CPU figure counted (the agent and its tool call) and which it left out (background). */
  cpu?: { agent: number; tool: number[]; background: number[] };
}

interface OpenTool {
  id: string;
  name: string;
  command?: string;
  openedAt: number;
  limitMs: number;
}

interface CpuSample {
  at: number;
  /** Cumulative CPU ms of the group; null when it could not be measured. */
  cpuMs: number | null;
}

/**
 * Decides, from the stream and CPU samples alone, whether a session is stalled. Pure: feed it output,
 * events and samples with their instants, ask `check(now)`; timers and killing belong to the caller.
 *
 * The deadline is the last output + stallMs; while tool calls are open it is at least each open call's
 * start + its own limit + margin (the CLI prints nothing while a tool runs). Past the deadline, a group
 * that used CPU over the window is working and is left alone; a stall is called only when it is idle.
 */
export class StallWatchdog {
  private lastOutputAt: number;
  private readonly open = new Map<string, OpenTool>();
  private lastEvent = 'nothing yet';
  /** The last assistant text, described (cut to one line) only when a verdict quotes it: most never do. */
  private lastText: string | undefined;
  private samples: CpuSample[] = [];
  /** Set when a deadline passed but the group was spared because it was using CPU. */
  private sparedAt: number | undefined;

  constructor(
    private readonly limits: StallLimits,
    startedAt: number,
  ) {
    this.lastOutputAt = startedAt;
  }

  /** Any bytes on stdout or stderr. */
  output(now: number): void {
    this.lastOutputAt = now;
    this.sparedAt = undefined;
  }

  /** A parsed stream event: tool_use opens a call, tool_result closes it, a result closes them all. */
  event(event: StreamEvent, now: number): void {
    if (event.type === 'assistant') {
      for (const block of event.message.content) {
        if (block.type === 'tool_use') {
          const id = block.id ?? `anonymous-${this.open.size}`;
          const command = commandOf(block.input);
          this.open.set(id, {
            id,
            name: block.name || 'unknown',
            command,
            openedAt: now,
            limitMs: this.toolLimitMs(block.name, block.input),
          });
          this.seen(describeTool(block.name, command));
        } else if (block.type === 'text') {
          this.lastText = block.text;
        }
      }
    } else if (event.type === 'user') {
      for (const block of event.message.content) {
        if (block.type !== 'tool_result') continue;
        const tool = block.tool_use_id ? this.open.get(block.tool_use_id) : undefined;
        if (block.tool_use_id) this.open.delete(block.tool_use_id);
        this.seen(tool ? `result of ${describeTool(tool.name, tool.command)}` : 'a tool result');
      }
    } else if (event.type === 'result') {
      this.open.clear();
      this.seen(`result (${event.subtype})`);
    } else if (event.type === 'system') {
      this.seen('system init');
    }
  }

  /** A CPU sample of the process group: cumulative ms, or null when it cannot be measured here. */
  cpu(at: number, cpuMs: number | null): void {
    this.samples.push({ at, cpuMs });
    const keepFrom = at - this.limits.cpuWindowMs * 2;
    while (this.samples.length > 2 && this.samples[1]!.at <= keepFrom) this.samples.shift();
  }

  /** The tool calls open now, oldest first. */
  openTools(): Array<{ name: string; command?: string; openedAt: number; limitMs: number }> {
    return [...this.open.values()];
  }

  /** A verdict when the session is stalled at `now`, else null. */
  check(now: number): StallVerdict | null {
    const silentMs = now - this.lastOutputAt;
    const overdueTool = this.latestToolDeadline();
    const deadline = Math.max(
      this.lastOutputAt + this.limits.stallMs,
      overdueTool ? overdueTool.openedAt + overdueTool.limitMs + this.limits.toolMarginMs : 0,
    );
    if (now <= deadline) return null;
    const cpu = this.cpuSince(Math.max(this.lastOutputAt, now - this.limits.cpuWindowMs));
    if (cpu.busy) {
      this.sparedAt ??= now;
      return null;
    }
    const idle = !cpu.measured
      ? '; CPU use could not be measured'
      : cpu.usedMs === 0
        ? `; no CPU used in the last ${secs(cpu.spanMs)}`
        : `; only ${Math.round(cpu.usedMs)} ms of CPU in the last ${secs(cpu.spanMs)}`;
    const tool = overdueTool
      ? {
          name: overdueTool.name,
          command: overdueTool.command,
          openMs: now - overdueTool.openedAt,
          limitMs: overdueTool.limitMs,
        }
      : undefined;
    const lastSeen = overdueTool
      ? `open tool: ${describeTool(overdueTool.name, overdueTool.command)}`
      : this.lastSeen();
    const what = tool
      ? `tool ${tool.name} open past its limit (open ${secs(tool.openMs)}; limit ${secs(tool.limitMs)} + ${secs(this.limits.toolMarginMs)} margin)`
      : `silence with no tool open (${secs(silentMs)}; limit ${secs(this.limits.stallMs)})`;
    if (this.sparedAt !== undefined) {
      return {
        cause: 'no_cpu',
        reason: `no CPU: ${what}, kept ${secs(now - deadline)} past it while the process group used CPU${idle}`,
        lastSeen,
        silentMs,
        tool,
      };
    }
    return { cause: tool ? 'tool_overdue' : 'silence', reason: `${what}${idle}`, lastSeen, silentMs, tool };
  }

  private seen(description: string): void {
    this.lastEvent = description;
    this.lastText = undefined;
  }

  private lastSeen(): string {
    return this.lastText === undefined ? this.lastEvent : `assistant text: ${cut(this.lastText)}`;
  }

  private toolLimitMs(name: string, input: unknown): number {
    const asked =
      name === 'Bash' && isRecord(input) && typeof input['timeout'] === 'number' && input['timeout'] > 0
        ? input['timeout']
        : undefined;
    return asked === undefined ? this.limits.toolMaxMs : Math.min(asked, this.limits.toolMaxMs);
  }

  /** The open call that may run longest: the session is stalled only once every open call is overdue. */
  private latestToolDeadline(): OpenTool | undefined {
    let latest: OpenTool | undefined;
    for (const tool of this.open.values()) {
      if (!latest || tool.openedAt + tool.limitMs > latest.openedAt + latest.limitMs) latest = tool;
    }
    return latest;
  }

  /** CPU used from the first sample at or after `from` to the newest one. */
  private cpuSince(from: number): { busy: boolean; measured: boolean; spanMs: number; usedMs: number } {
    const newest = this.samples.at(-1);
    const base = this.samples.find((s) => s.at >= from);
    if (!newest || !base || newest === base || newest.cpuMs === null || base.cpuMs === null)
      return { busy: false, measured: false, spanMs: 0, usedMs: 0 };
    const spanMs = newest.at - base.at;
    const usedMs = Math.max(0, newest.cpuMs - base.cpuMs);
    return { busy: usedMs > 0 && usedMs >= spanMs * this.limits.busyCpuRatio, measured: true, spanMs, usedMs };
  }
}

/**
 * Limits from the config, with a CPU window as long as the stall limit (at most a minute, at least two
 * checks) so one quiet moment in a build does not read as idle.
 */
export function stallLimitsFromConfig(
  agent: { stallTimeoutSec: number; toolTimeoutMaxSec: number; toolTimeoutMarginSec: number; busyCpuPercent: number },
  checkMs: number,
): StallLimits {
  const stallMs = agent.stallTimeoutSec * 1000;
  return {
    stallMs,
    toolMaxMs: agent.toolTimeoutMaxSec * 1000,
    toolMarginMs: agent.toolTimeoutMarginSec * 1000,
    cpuWindowMs: Math.max(2 * checkMs, Math.min(stallMs, 60_000)),
    busyCpuRatio: agent.busyCpuPercent / 100,
  };
}

/** How often the watchdog looks: a quarter of the stall limit, between 0.1 s and 5 s. */
export function stallCheckMs(stallTimeoutSec: number): number {
  return Math.min(5000, Math.max(100, (stallTimeoutSec * 1000) / 4));
}

function commandOf(input: unknown): string | undefined {
  if (!isRecord(input)) return undefined;
  for (const key of ['command', 'file_path', 'url', 'pattern', 'description']) {
    if (typeof input[key] === 'string') return cut(input[key]);
  }
  return undefined;
}

function describeTool(name: string, command: string | undefined): string {
  return command ? `${name || 'unknown'} \`${command}\`` : name || 'unknown';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function cut(text: string, max = 120): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function secs(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
