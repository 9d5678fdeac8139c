import { humanDuration, redactSecrets } from '@nightshift/domain';

import { describeDenial, isDenialText } from './permission-denials';
import { type ContentBlock, parseStreamLine } from './stream-events';

const STALL_TYPE = 'nightshift_stall';
const MAX_RESULT_CHARS = 400;

/** What one transcript line is about: `logs` shows them all, the Needs Human summary keeps what the agent said. */
export type TranscriptKind = 'session' | 'said' | 'tool' | 'result' | 'denied' | 'error' | 'stall' | 'end' | 'other';

export interface TranscriptLine {
  kind: TranscriptKind;
  text: string;
}

/**
 * One line of a session's stream-json log as lines a person reads: what the agent said, each tool call with its
 * command, each result (cut), refusals, the end with its cost, and the stall detector's verdict. Redacted (the
 * patterns and `secrets`). A line cut in the middle of its JSON (the head of a tail) gives nothing.
 */
export function transcriptLines(raw: string, secrets: readonly string[] = []): TranscriptLine[] {
  const line = raw.trim();
  if (line === '') return [];
  return describe(line).map((l) => ({ kind: l.kind, text: redactSecrets(l.text, secrets) }));
}

function describe(line: string): TranscriptLine[] {
  const event = parseStreamLine(line);
  if (!event) {
    // A JSON line cut in half (its head lost, `del":"sonnet",…`, or its end) is noise to a reader; anything else,
    // such as the CLI's stderr (`API Error: 529 {"type":"error",…}`), is what it said.
    if (line.startsWith('{') || /^\S*"\s*:/.test(line)) return [];
    return [{ kind: 'error', text: `stderr: ${cut(line, MAX_RESULT_CHARS)}` }];
  }
  switch (event.type) {
    case 'system':
      return [{ kind: 'session', text: `session started: model ${event.model ?? '?'}, in ${event.cwd ?? '?'}` }];
    case 'assistant':
      return event.message.content.flatMap((b) => block(b, 'said'));
    case 'user':
      return event.message.content.flatMap((b) => block(b, 'result'));
    case 'result': {
      const facts = [
        event.subtype,
        event.num_turns === undefined ? '' : `${event.num_turns} turns`,
        event.duration_ms === undefined ? '' : humanDuration(event.duration_ms),
        event.total_cost_usd === undefined ? '' : `$${event.total_cost_usd.toFixed(4)}`,
      ].filter(Boolean);
      return [
        { kind: 'end', text: `session ended: ${facts.join(', ')}` },
        ...(event.result ? [{ kind: 'said' as const, text: `agent: ${event.result}` }] : []),
        ...(event.permission_denials ?? []).map((d) => ({
          kind: 'denied' as const,
          text: `not allowed: ${describeDenial(d)}`,
        })),
      ];
    }
    case 'other':
      return event.originalType === STALL_TYPE ? [stall(line)] : [];
  }
}

function block(b: ContentBlock, role: 'said' | 'result'): TranscriptLine[] {
  switch (b.type) {
    case 'text':
      return b.text.trim()
        ? [{ kind: role, text: role === 'said' ? `agent: ${b.text.trim()}` : cut(b.text, MAX_RESULT_CHARS) }]
        : [];
    case 'tool_use':
      return [{ kind: 'tool', text: `→ ${describeDenial({ tool_name: b.name, tool_input: b.input }, 300)}` }];
    case 'tool_result': {
      const text = b.text ?? '';
      if (b.is_error && isDenialText(text))
        return [{ kind: 'denied', text: `← denied: ${cut(text, MAX_RESULT_CHARS)}` }];
      return [
        {
          kind: b.is_error ? 'error' : 'result',
          text: `← ${b.is_error ? 'error: ' : ''}${cut(text, MAX_RESULT_CHARS)}`,
        },
      ];
    }
    case 'other':
      return [];
  }
}

function stall(line: string): TranscriptLine {
  const v = JSON.parse(line) as { reason?: string; lastSeen?: string; silentMs?: number };
  const silent = typeof v.silentMs === 'number' ? `, silent for ${humanDuration(v.silentMs)}` : '';
  return {
    kind: 'stall',
    text: `stall detector stopped it: ${v.reason ?? '?'} (last seen: ${v.lastSeen ?? '?'}${silent})`,
  };
}

function cut(text: string, max: number): string {
  const flat = text.replace(/\s*\n\s*/g, ' ⏎ ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
