import { StringDecoder } from 'node:string_decoder';

import type { TokenUsage } from '@nightshift/domain';

import type { StreamTranslator } from './agent-cli';
import { DenialTracker } from './permission-denials';
import type { PermissionDenial } from './result-denials';
import {
  AssistantUsageTally,
  parseStreamLine,
  type ResultEvent,
  type StreamEvent,
  toTokenUsage,
} from './stream-events';

const TAIL_CHARS = 8 * 1024;
const MAX_EVENTS = 200;
/** A longer line (a tool dumping a huge file) is skipped rather than buffered without bound. */
const MAX_LINE_CHARS = 4 * 1024 * 1024;

/**
 * Accumulates a session's output in bounded memory: a text tail of stdout+stderr, the last parsed events,
 * and running totals (usage, result, session id) that must survive the event window sliding past them.
 */
export class OutputCapture {
  private tailText = '';
  private truncated = false;
  private pendingLine = '';
  private skippingLine = false;
  private readonly stdoutDecoder = new StringDecoder('utf8');
  private readonly stderrDecoder = new StringDecoder('utf8');
  /**
   * The last MAX_EVENTS lines that parsed as events, kept as text in a ring: a string is one object to the
   * garbage collector where a parsed event is dozens, and hundreds of sessions keep 200 each for their whole run.
   */
  private readonly eventLines: string[] = [];
  private nextEventLine = 0;
  readonly tally = new AssistantUsageTally();
  private readonly denials = new DenialTracker();
  result?: ResultEvent;
  sessionId?: string;

  /**
   * `onEvent` sees every parsed event as it arrives (e.g. the stall watchdog following tool calls); its errors are
   * ignored. A translator turns another CLI's lines into canonical ones; the tail keeps the CLI's own text.
   */
  constructor(
    private readonly onEvent?: (event: StreamEvent) => void,
    private readonly translator: StreamTranslator | null = null,
  ) {}

  /** Feeds stdout: text goes to the tail, complete lines are parsed as events. Returns true when a result arrived. */
  stdout(chunk: Buffer): boolean {
    const text = this.stdoutDecoder.write(chunk);
    this.appendTail(text);
    let sawResult = false;
    let from = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', from)) {
      const line = this.pendingLine ? this.pendingLine + text.slice(from, newline) : text.slice(from, newline);
      this.pendingLine = '';
      from = newline + 1;
      if (this.skippingLine) this.skippingLine = false;
      else sawResult = this.onRawLine(line) || sawResult;
    }
    if (from < text.length) this.pendingLine += text.slice(from);
    if (this.pendingLine.length > MAX_LINE_CHARS) {
      this.pendingLine = '';
      this.skippingLine = true;
    }
    return sawResult;
  }

  /** The last parsed events, oldest first. */
  get events(): StreamEvent[] {
    const lines =
      this.eventLines.length < MAX_EVENTS
        ? this.eventLines
        : [...this.eventLines.slice(this.nextEventLine), ...this.eventLines.slice(0, this.nextEventLine)];
    return lines.map((line) => parseStreamLine(line)).filter((e): e is StreamEvent => e !== null);
  }

  stderr(chunk: Buffer): void {
    this.appendTail(this.stderrDecoder.write(chunk));
  }

  /** Flushes a last line that had no trailing newline; the translator adds what it owes once the CLI exited. */
  end(exitCode: number | null = null): void {
    const rest = this.stdoutDecoder.end();
    if (rest) this.appendTail(rest);
    const last = this.pendingLine + rest;
    this.pendingLine = '';
    if (last.trim() && !this.skippingLine) this.onRawLine(last);
    const errRest = this.stderrDecoder.end();
    if (errRest) this.appendTail(errRest);
    for (const line of this.translator?.finish?.(exitCode) ?? []) this.onLine(line);
  }

  /** Adds a line of Nightshift's own to the tail (what a documented exit code means), for the classifier and humans. */
  note(text: string): void {
    this.appendTail(`${this.tailText.endsWith('\n') || !this.tailText ? '' : '\n'}[nightshift] ${text}\n`);
  }

  /** Usage and cost as reported: the result event's totals, else the assistant messages seen (cost unknown). */
  summary(): {
    result?: ResultEvent;
    usage: TokenUsage;
    costUsd: number | null;
    sessionId?: string;
    permissionDenials: PermissionDenial[];
  } {
    const result = this.result;
    return {
      result,
      usage: result?.usage ? toTokenUsage(result.usage) : this.tally.total,
      costUsd: result?.total_cost_usd ?? null,
      sessionId: this.sessionId,
      permissionDenials: this.denials.denials(result),
    };
  }

  /** The tail, cut to start at a line boundary so a half JSON line (code in a tool input) never reads as text. */
  get tail(): string {
    if (!this.truncated && this.tailText.length <= TAIL_CHARS) return this.tailText;
    const text = this.tailText.slice(-TAIL_CHARS);
    const newline = text.indexOf('\n');
    return newline >= 0 && newline < text.length - 1 ? text.slice(newline + 1) : text;
  }

  private appendTail(text: string): void {
    if (!text) return;
    this.tailText += text;
    if (this.tailText.length > TAIL_CHARS * 2) {
      this.tailText = this.tailText.slice(-TAIL_CHARS);
      this.truncated = true;
    }
  }

  private onRawLine(line: string): boolean {
    if (!this.translator) return this.onLine(line);
    let sawResult = false;
    for (const translated of this.translator.translate(line)) sawResult = this.onLine(translated) || sawResult;
    return sawResult;
  }

  private onLine(line: string): boolean {
    const event = parseStreamLine(line);
    if (!event) return false;
    try {
      this.onEvent?.(event);
    } catch {
      // an observer's failure must not stop the session's output from being read
    }
    this.eventLines[this.nextEventLine] = line;
    this.nextEventLine = (this.nextEventLine + 1) % MAX_EVENTS;
    if (event.type === 'system' && event.session_id) this.sessionId = event.session_id;
    if (event.type === 'assistant') this.tally.add(event);
    this.denials.add(event);
    if (event.type === 'result') {
      this.result = event;
      if (event.session_id) this.sessionId = event.session_id;
      return true;
    }
    return false;
  }
}

/**
 * Runs a saved output text through the same capture the adapter uses (for logs and fixtures); give the CLI's
 * translator (and its exit code) for another CLI's output.
 */
export function summarizeStreamText(
  text: string,
  translator: StreamTranslator | null = null,
  exitCode: number | null = null,
): ReturnType<OutputCapture['summary']> & { events: StreamEvent[]; tail: string } {
  const capture = new OutputCapture(undefined, translator);
  capture.stdout(Buffer.from(text, 'utf8'));
  capture.end(exitCode);
  return { ...capture.summary(), events: capture.events, tail: capture.tail };
}
