import type { TokenUsage } from '@nightshift/domain';

import type { PermissionDenial } from '../result-denials';

/**
 * Builders of canonical stream-json lines (Claude Code's shape), the one run record every adapter produces:
 * other CLIs' events are translated into these so usage, results, tool calls and denials are read once.
 */
export const canonical = {
  init(sessionId: string | undefined, model?: string): string {
    return JSON.stringify({ type: 'system', subtype: 'init', session_id: sessionId, model });
  },
  text(text: string, model?: string): string {
    return JSON.stringify({ type: 'assistant', message: { model, content: [{ type: 'text', text }] } });
  },
  toolUse(id: string, name: string, input: unknown): string {
    return JSON.stringify({ type: 'assistant', message: { content: [{ type: 'tool_use', id, name, input }] } });
  },
  toolResult(id: string, content: string, isError: boolean): string {
    return JSON.stringify({
      type: 'user',
      message: { content: [{ type: 'tool_result', tool_use_id: id, is_error: isError, content }] },
    });
  },
  result(r: {
    ok: boolean;
    subtype?: string;
    text?: string;
    sessionId?: string;
    usage?: TokenUsage;
    costUsd?: number;
    durationMs?: number;
    numTurns?: number;
    denials?: PermissionDenial[];
  }): string {
    return JSON.stringify({
      type: 'result',
      subtype: r.subtype ?? (r.ok ? 'success' : 'error_during_execution'),
      is_error: !r.ok,
      result: r.text,
      session_id: r.sessionId,
      duration_ms: r.durationMs,
      num_turns: r.numTurns,
      total_cost_usd: r.costUsd,
      usage: r.usage && {
        input_tokens: r.usage.input,
        output_tokens: r.usage.output,
        cache_creation_input_tokens: r.usage.cacheWrite,
        cache_read_input_tokens: r.usage.cacheRead,
      },
      permission_denials: r.denials,
    });
  },
};

type Json = Record<string, unknown>;

/** Parses a JSON-object line; null for anything else (plain text stays in the tail only). */
export function jsonObject(line: string): Json | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(trimmed);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
  } catch {
    return null;
  }
}

export const asObject = (v: unknown): Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
export const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const asNumber = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
