import type { TokenUsage } from '@nightshift/domain';

import type { StreamTranslator } from '../agent-cli';
import { asNumber, asObject, asString, canonical, jsonObject } from './canonical-lines';

/**
 * Gemini CLI `--output-format stream-json` events (packages/core/src/output/types.ts) → canonical lines: `init`
 * gives the session id and model, assistant `message` deltas the text, `tool_use`/`tool_result` the tool calls (a
 * `policy_violation` result is a permission denial), `result` the verdict with its token stats.
 */
export class GeminiTranslator implements StreamTranslator {
  private sessionId?: string;
  private model?: string;
  private message = '';
  private readonly tools = new Map<string, string>();

  translate(line: string): string[] {
    const event = jsonObject(line);
    if (!event) return [];
    switch (asString(event.type)) {
      case 'init':
        this.sessionId = asString(event.session_id);
        this.model = asString(event.model);
        return [canonical.init(this.sessionId, this.model)];
      case 'message': {
        if (event.role !== 'assistant') return [];
        const text = asString(event.content) ?? '';
        // Deltas continue one message; a full message replaces it.
        this.message = event.delta === true ? this.message + text : text;
        return [canonical.text(text, this.model)];
      }
      case 'tool_use': {
        const id = asString(event.tool_id) ?? '';
        const name = asString(event.tool_name) ?? 'unknown';
        this.tools.set(id, name);
        return [canonical.toolUse(id, name, event.parameters ?? {})];
      }
      case 'tool_result': {
        const id = asString(event.tool_id) ?? '';
        const error = asObject(event.error);
        if (asString(error.type) === 'policy_violation')
          return [
            canonical.toolResult(id, `Permission to use ${this.tools.get(id) ?? 'the tool'} has been denied.`, true),
          ];
        const text = asString(event.output) ?? asString(error.message) ?? '';
        return [canonical.toolResult(id, text, event.status === 'error')];
      }
      case 'result':
        return [this.result(event)];
      default:
        return [];
    }
  }

  private result(event: Record<string, unknown>): string {
    const stats = asObject(event.stats);
    const usage: TokenUsage = {
      // `input_tokens` = `input` (uncached) + `cached`.
      input: asNumber(stats.input),
      output: asNumber(stats.output_tokens),
      cacheWrite: 0,
      cacheRead: asNumber(stats.cached),
    };
    const ok = event.status === 'success';
    const error = asObject(event.error);
    const text = ok ? this.message : `${asString(error.type) ?? 'Error'}: ${asString(error.message) ?? 'failed'}`;
    return canonical.result({
      ok,
      subtype: !ok && error.type === 'FatalTurnLimitedError' ? 'error_max_turns' : undefined,
      text,
      sessionId: this.sessionId,
      usage,
      durationMs: stats.duration_ms === undefined ? undefined : asNumber(stats.duration_ms),
    });
  }
}
