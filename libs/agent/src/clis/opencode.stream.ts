import type { TokenUsage } from '@nightshift/domain';

import type { StreamTranslator } from '../agent-cli';
import { asNumber, asObject, asString, canonical, jsonObject } from './canonical-lines';

/** OpenCode's words when a permission rule refuses a call (permission/next.ts: DeniedError, RejectedError). */
const DENIED = /rule which prevents you from using|rejected permission to use/i;

/**
 * `opencode run --format json` events (packages/opencode/src/cli/cmd/run.ts) → canonical lines: `step_start`
 * gives the session id, `text` the message, `tool_use` a finished tool call (OpenCode prints calls only once they
 * end, so the stall watchdog never sees one open), `step_finish` adds tokens and cost, `error` fails the session.
 * OpenCode prints no final verdict: the result is written once the process has exited.
 */
export class OpenCodeTranslator implements StreamTranslator {
  private sessionId?: string;
  private message?: string;
  private error?: string;
  private steps = 0;
  private cost = 0;
  private usage: TokenUsage = { input: 0, output: 0, cacheWrite: 0, cacheRead: 0 };

  translate(line: string): string[] {
    const event = jsonObject(line);
    if (!event) return [];
    const part = asObject(event.part);
    switch (asString(event.type)) {
      case 'step_start': {
        if (this.sessionId) return [];
        this.sessionId = asString(event.sessionID);
        return [canonical.init(this.sessionId)];
      }
      case 'text':
        this.message = asString(part.text) ?? '';
        return [canonical.text(this.message)];
      case 'tool_use': {
        const id = asString(part.callID) ?? asString(part.id) ?? '';
        const tool = asString(part.tool) ?? 'unknown';
        const state = asObject(part.state);
        const failed = state.status === 'error';
        const output = asString(state.output) ?? asString(state.error) ?? '';
        const text = failed && DENIED.test(output) ? `Permission to use ${tool} has been denied. ${output}` : output;
        return [canonical.toolUse(id, tool, state.input ?? {}), canonical.toolResult(id, text, failed)];
      }
      case 'step_finish': {
        const tokens = asObject(part.tokens);
        const cache = asObject(tokens.cache);
        this.steps++;
        this.cost += asNumber(part.cost);
        this.usage = {
          input: this.usage.input + asNumber(tokens.input),
          output: this.usage.output + asNumber(tokens.output) + asNumber(tokens.reasoning),
          cacheWrite: this.usage.cacheWrite + asNumber(cache.write),
          cacheRead: this.usage.cacheRead + asNumber(cache.read),
        };
        return [];
      }
      case 'error': {
        const error = asObject(event.error);
        this.error = `${asString(error.name) ?? 'Error'}: ${asString(asObject(error.data).message) ?? 'failed'}`;
        return [];
      }
      default:
        return [];
    }
  }

  /** The verdict, once the CLI exited by itself (a killed run has none: the timeout or stall verdict stands). */
  finish(exitCode: number | null): string[] {
    if (exitCode === null) return [];
    const ok = exitCode === 0 && this.error === undefined;
    return [
      canonical.result({
        ok,
        text: ok ? this.message : (this.error ?? `exited with code ${exitCode}`),
        sessionId: this.sessionId,
        usage: this.usage,
        costUsd: this.steps > 0 ? this.cost : undefined,
        numTurns: this.steps,
      }),
    ];
  }
}
