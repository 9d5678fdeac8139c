import { describeDenial } from '@nightshift/agent';
import { humanDuration } from '@nightshift/domain';

type Block = { type?: string; id?: string; name?: string; input?: unknown; tool_use_id?: string };

/**
 * What the stall detector sees in a followed log: how long the session has been silent and which tool calls are
 * open (a `tool_use` without its `tool_result`). Claude Code prints nothing while a tool runs, so silence with a
 * call open is a command at work; silence with none open past `agent.stallTimeoutSec` (and no CPU) is a stall.
 */
export class SilenceNote {
  private readonly open = new Map<string, string>();
  private lastOutputAt: number;
  private lastNoteAt = 0;

  constructor(
    private readonly stallTimeoutSec: number,
    private readonly everyMs: number,
    now = Date.now(),
  ) {
    this.lastOutputAt = now;
  }

  see(line: string, now = Date.now()): void {
    this.lastOutputAt = now;
    this.lastNoteAt = 0;
    let event: { type?: string; message?: { content?: unknown } };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      return;
    }
    const content = Array.isArray(event.message?.content) ? (event.message.content as Block[]) : [];
    for (const b of content) {
      if (b.type === 'tool_use' && b.id)
        this.open.set(b.id, describeDenial({ tool_name: b.name ?? '?', tool_input: b.input }, 120));
      if (b.type === 'tool_result' && b.tool_use_id) this.open.delete(b.tool_use_id);
    }
  }

  /** A line to print now (every `everyMs` of silence), or null. */
  note(now = Date.now()): string | null {
    const silent = now - this.lastOutputAt;
    if (silent < this.everyMs || now - this.lastNoteAt < this.everyMs) return null;
    this.lastNoteAt = now;
    const open = [...this.open.values()];
    return open.length > 0
      ? `… silent for ${humanDuration(silent)}, tool call open: ${open.join(', ')} (the stall detector waits for its limit, and for its CPU to stop)`
      : `… silent for ${humanDuration(silent)}, no tool call open (the stall detector stops it after ${this.stallTimeoutSec} s of this without CPU)`;
  }
}
