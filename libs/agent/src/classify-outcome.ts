import { type Outcome, redactSecrets } from '@nightshift/domain';

import { findErrorSignature, linesWithoutWarnings } from './error-signatures';
import { parseResetInstant } from './parse-reset';
import { STALL_LOG_EVENT_TYPE } from './stall-log-line';
import type { StallVerdict } from './stall-watchdog';
import { lastResult, parseStreamLine, type StreamEvent } from './stream-events';

export interface ClassifyInput {
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  timedOut: boolean;
  stalled?: boolean;
  /** Why the stall watchdog killed it (implies stalled). */
  stall?: StallVerdict;
  canceled?: boolean;
  spawnError?: string;
  /** stdout+stderr tail. */
  text: string;
  events: StreamEvent[];
  /** Whether the worktree has changes; undefined when unknown. */
  hasDiff?: boolean;
  now: Date;
  /** A death quicker than this with no recognizable cause is a fast fail. Default 10 000 ms. */
  fastFailMs?: number;
  /** Back-off for a rate limit whose message gives no reset time. Default 15 min. */
  defaultBackoffMs?: number;
}

export interface OutcomeClassification {
  outcome: Outcome;
  /** One line a human understands; no secrets. */
  reason: string;
  /** The reset instant the CLI's message states; null when it states none. */
  resetsAt: Date | null;
  /** For rate limits: when to try again (resetsAt, or now + defaultBackoffMs). Null for other outcomes. */
  retryAt: Date | null;
}

const REASON_MAX = 300;
/**
 * Event kinds that carry the agent's own words and tool input (code may mention 429 or rate_limit_error): Claude
 * Code's, Codex's (`item.*`, turns), Gemini CLI's and OpenCode's. Their error events stay searchable.
 */
const AGENT_CONTENT = new Set([
  'system',
  'assistant',
  'user',
  'result',
  'stream_event',
  STALL_LOG_EVENT_TYPE,
  'thread.started',
  'turn.started',
  'turn.completed',
  'item.started',
  'item.updated',
  'item.completed',
  'init',
  'message',
  'tool_use',
  'tool_result',
  'step_start',
  'step_finish',
  'text',
  'reasoning',
]);

/** Turns the raw facts of a run into one Outcome with a reason; pure, so every fixture can be replayed. */
export function classifyOutcome(input: ClassifyInput): OutcomeClassification {
  const { now } = input;
  const fastFailMs = input.fastFailMs ?? 10_000;
  const make = (outcome: Outcome, reason: string, resetsAt: Date | null = null, retryAt: Date | null = null) =>
    ({ outcome, reason: oneLine(reason), resetsAt, retryAt }) satisfies OutcomeClassification;
  const result = lastResult(input.events);
  const took = seconds(input.durationMs);

  if (input.canceled) return make('canceled', `canceled after ${took}`);
  if (input.spawnError) return make('infra_error', input.spawnError);

  if (result && result.subtype === 'success' && !result.is_error) {
    const lingered = input.timedOut ? ' (it did not exit by itself and was killed at the timeout)' : '';
    const summary = result.result ? `: ${result.result}` : '';
    if (input.hasDiff === false)
      return make('no_changes', `finished in ${took} but changed no file${lingered}${summary}`);
    return make('success', `finished in ${took}${turns(result.num_turns)}${lingered}${summary}`);
  }

  const haystack = errorText(input.text, input.events);
  const found = findErrorSignature(haystack);
  const stalled = input.stalled === true || input.stall !== undefined;
  const killedByUs = input.timedOut || stalled;
  if (found && (!killedByUs || found.signature.outcome !== 'infra_error')) {
    const { signature, line } = found;
    if (signature.outcome === 'rate_limited') {
      const resetsAt =
        parseResetInstant(line, now) ?? parseResetInstant(linesWithoutWarnings(haystack).join('\n'), now);
      const retryAt = resetsAt ?? new Date(now.getTime() + (input.defaultBackoffMs ?? 15 * 60_000));
      const when = resetsAt
        ? `resets at ${resetsAt.toISOString()}`
        : `no reset time given, retrying at ${retryAt.toISOString()}`;
      return make('rate_limited', `${signature.label} (${when}): ${line}`, resetsAt, retryAt);
    }
    return make(signature.outcome, `${signature.label}: ${line}`);
  }

  if (input.stall) {
    const seen = input.stall.lastSeen ? `; last seen: ${input.stall.lastSeen}` : '';
    return make('stalled', `stalled: ${input.stall.reason}${seen}; killed after ${took}`);
  }
  if (stalled) return make('stalled', `no output for too long; killed after ${took}`);
  if (input.timedOut) return make('timeout', `no result within the time limit; killed after ${took}`);

  if (result) {
    const detail = result.result ? `: ${result.result}` : '';
    switch (result.subtype) {
      case 'error_max_turns':
        return make('task_failed', `hit the max-turns limit${turns(result.num_turns)} without finishing${detail}`);
      case 'error_max_budget_usd':
        return make('task_failed', `hit the budget limit after ${took}${detail}`);
      case 'error_during_execution':
        return make('task_failed', `failed during execution after ${took}${detail}`);
      default:
        return make('task_failed', `ended with an error (${result.subtype}) after ${took}${detail}`);
    }
  }

  if (input.exitCode === 0 && input.signal === null) {
    if (input.hasDiff === false)
      return make('no_changes', `exited 0 after ${took} without a result event and changed no file`);
    return make('success', `exited 0 after ${took} without a result event`);
  }
  if (input.exitCode === null && input.signal === null)
    return make('infra_error', `ended after ${took} without an exit status`);

  const how = input.signal ? `killed by ${input.signal}` : `exited with code ${input.exitCode}`;
  const last = lastTextLine(input.text);
  const said = last ? `; last output: ${last}` : '';
  if (input.durationMs < fastFailMs) return make('fast_fail', `${how} after ${took} with no recognizable error${said}`);
  // A CLI killed by a signal it did not get from us crashed (or met the OOM killer): not the task's doing.
  if (input.signal) return make('infra_error', `${how} after ${took} without a result${said}`);
  return make('task_failed', `${how} after ${took} without a result${said}`);
}

/**
 * The text where failure markers may appear: CLI output that is not the agent's own content (plain lines,
 * error JSON), the result text of a failed session, and synthetic assistant messages the CLI writes for API errors.
 */
function errorText(text: string, events: readonly StreamEvent[]): string {
  const parts: string[] = [];
  for (const line of text.split('\n')) {
    const event = parseStreamLine(line);
    const kind = event ? (event.type === 'other' ? event.originalType : event.type) : undefined;
    if (kind === undefined || !AGENT_CONTENT.has(kind)) parts.push(line);
  }
  for (const event of events) {
    if (event.type === 'result' && (event.is_error || event.subtype !== 'success') && event.result)
      parts.push(event.result);
    if (event.type === 'assistant' && event.message.model === '<synthetic>') {
      for (const block of event.message.content) if (block.type === 'text') parts.push(block.text);
    }
  }
  return parts.join('\n');
}

function lastTextLine(text: string): string | undefined {
  const lines = text.split('\n').filter((l) => l.trim() && !parseStreamLine(l));
  return lines.at(-1);
}

/** One trimmed line, secrets masked, length capped. */
function oneLine(text: string): string {
  const line = redactSecrets(text.replace(/\s+/g, ' ').trim(), []);
  return line.length > REASON_MAX ? `${line.slice(0, REASON_MAX - 1)}…` : line;
}

function seconds(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}

function turns(n: number | undefined): string {
  return n === undefined ? '' : ` (${n} turns)`;
}
