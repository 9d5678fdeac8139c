import type { TokenUsage } from '@nightshift/domain';

import type { StreamTranslator } from '../agent-cli';
import { asNumber, asObject, asString, canonical, jsonObject } from './canonical-lines';

/**
 * `codex exec --json` events (codex-rs/exec/src/exec_events.rs) → canonical lines: `thread.started` gives the
 * session id, `item.started`/`item.completed` open and close tool calls (command_execution → Bash, file_change →
 * Edit, mcp_tool_call → mcp__server__tool, web_search → WebSearch), agent messages are the text,
 * `turn.completed` is the success result with usage, `turn.failed` the failed one. A `declined` command is a
 * permission denial.
 */
export class CodexTranslator implements StreamTranslator {
  private sessionId?: string;
  private lastMessage?: string;
  private readonly opened = new Set<string>();
  private usage: TokenUsage = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };

  translate(line: string): string[] {
    const event = jsonObject(line);
    if (!event) return [];
    switch (asString(event.type)) {
      case 'thread.started':
        this.sessionId = asString(event.thread_id);
        return [canonical.init(this.sessionId)];
      case 'item.started':
        return this.open(asObject(event.item));
      case 'item.completed':
        return this.complete(asObject(event.item));
      case 'turn.completed': {
        const u = asObject(event.usage);
        const cached = asNumber(u.cached_input_tokens);
        // OpenAI counts cached tokens inside input_tokens.
        this.usage = {
          input: this.usage.input + Math.max(0, asNumber(u.input_tokens) - cached),
          output: this.usage.output + asNumber(u.output_tokens),
          cacheWrite: 0,
          cacheRead: this.usage.cacheRead + cached,
        };
        return [canonical.result({ ok: true, text: this.lastMessage, sessionId: this.sessionId, usage: this.usage })];
      }
      case 'turn.failed':
        return [
          canonical.result({
            ok: false,
            text: asString(asObject(event.error).message) ?? 'turn failed',
            sessionId: this.sessionId,
            usage: this.usage,
          }),
        ];
      default:
        return [];
    }
  }

  private open(item: Record<string, unknown>): string[] {
    const id = asString(item.id);
    const call = id ? toolCall(item) : undefined;
    if (!id || !call || this.opened.has(id)) return [];
    this.opened.add(id);
    return [canonical.toolUse(id, call.name, call.input)];
  }

  private complete(item: Record<string, unknown>): string[] {
    const type = asString(item.type);
    if (type === 'agent_message') {
      this.lastMessage = asString(item.text) ?? '';
      return [canonical.text(this.lastMessage)];
    }
    const id = asString(item.id);
    const call = id ? toolCall(item) : undefined;
    if (!id || !call) return [];
    const lines = this.open(item);
    this.opened.delete(id);
    const status = asString(item.status);
    if (status === 'declined')
      return [
        ...lines,
        canonical.toolResult(id, `Permission to use ${call.name} with ${describe(call.input)} has been denied.`, true),
      ];
    const output =
      asString(item.aggregated_output) ??
      asString(asObject(item.error).message) ??
      (item.result === undefined ? '' : JSON.stringify(item.result));
    return [...lines, canonical.toolResult(id, output, status === 'failed')];
  }
}

function toolCall(item: Record<string, unknown>): { name: string; input: unknown } | undefined {
  switch (asString(item.type)) {
    case 'command_execution':
      return { name: 'Bash', input: { command: asString(item.command) ?? '' } };
    case 'file_change': {
      const changes = Array.isArray(item.changes) ? item.changes.map(asObject) : [];
      return { name: 'Edit', input: { file_path: asString(changes[0]?.path) ?? '', changes: changes.length } };
    }
    case 'mcp_tool_call':
      return { name: `mcp__${asString(item.server) ?? ''}__${asString(item.tool) ?? ''}`, input: item.arguments ?? {} };
    case 'web_search':
      return { name: 'WebSearch', input: { query: asString(item.query) ?? '' } };
    default:
      return undefined;
  }
}

function describe(input: unknown): string {
  const command = asString(asObject(input).command);
  return command === undefined ? 'its input' : `command ${command}`;
}
