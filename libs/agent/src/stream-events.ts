import { type TokenUsage, ZERO_USAGE } from '@nightshift/domain';

import { type PermissionDenial, toPermissionDenials } from './result-denials';

/** Token counts as the Claude Code CLI writes them (snake_case, all optional across versions). */
export interface RawUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id?: string; name: string; input?: unknown }
  | { type: 'tool_result'; tool_use_id?: string; is_error?: boolean; text?: string }
  | { type: 'other'; originalType: string };

/** `{"type":"system","subtype":"init",...}`: the first line of every stream-json session. */
export interface SystemInitEvent {
  type: 'system';
  subtype: 'init';
  session_id?: string;
  cwd?: string;
  model?: string;
  permissionMode?: string;
  tools?: string[];
}

/** One assistant message (the CLI prints one line per content block, repeating the message id and usage). */
export interface AssistantEvent {
  type: 'assistant';
  session_id?: string;
  message: { id?: string; model?: string; content: ContentBlock[]; usage?: RawUsage };
}

export interface ModelUsageEntry {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
  costUSD?: number;
}

/** The final line of a session: its verdict, cost and total usage. */
export interface ResultEvent {
  type: 'result';
  subtype: string;
  is_error: boolean;
  duration_ms?: number;
  num_turns?: number;
  result?: string;
  session_id?: string;
  total_cost_usd?: number;
  usage?: RawUsage;
  modelUsage?: Record<string, ModelUsageEntry>;
  /** Tool calls the CLI refused for lack of a permission rule (absent in older CLIs). */
  permission_denials?: PermissionDenial[];
}

/** A user turn; in a headless session these carry the results of the agent's tool calls. */
export interface UserEvent {
  type: 'user';
  session_id?: string;
  message: { content: ContentBlock[] };
}

/** Any other JSON line (user/tool results, other system subtypes, future event kinds). */
export interface OtherEvent {
  type: 'other';
  originalType: string;
  subtype?: string;
}

export type StreamEvent = SystemInitEvent | AssistantEvent | UserEvent | ResultEvent | OtherEvent;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Parses one stdout line; null when it is not a JSON object (plain text stays in the tail only). */
export function parseStreamLine(line: string): StreamEvent | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return null;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return null;
  }
  if (!isObject(value)) return null;
  const type = str(value.type) ?? 'unknown';
  if (type === 'system' && value.subtype === 'init') return toInit(value);
  if (type === 'assistant' && isObject(value.message)) return toAssistant(value, value.message);
  if (type === 'user' && isObject(value.message)) return toUser(value, value.message);
  if (type === 'result') return toResult(value);
  return { type: 'other', originalType: type, subtype: str(value.subtype) };
}

/** Parses a whole stream-json text (e.g. a saved log), skipping non-JSON lines. */
export function parseStreamJson(text: string): StreamEvent[] {
  const events: StreamEvent[] = [];
  for (const line of text.split('\n')) {
    const event = parseStreamLine(line);
    if (event) events.push(event);
  }
  return events;
}

function toInit(v: Json): SystemInitEvent {
  const tools = Array.isArray(v.tools) ? v.tools.filter((t): t is string => typeof t === 'string') : undefined;
  return {
    type: 'system',
    subtype: 'init',
    session_id: str(v.session_id),
    cwd: str(v.cwd),
    model: str(v.model),
    permissionMode: str(v.permissionMode),
    tools,
  };
}

function toAssistant(v: Json, m: Json): AssistantEvent {
  const content = Array.isArray(m.content) ? m.content.filter(isObject).map(toBlock) : [];
  return {
    type: 'assistant',
    session_id: str(v.session_id),
    message: { id: str(m.id), model: str(m.model), content, usage: toRawUsage(m.usage) },
  };
}

function toUser(v: Json, m: Json): UserEvent {
  const content: ContentBlock[] =
    typeof m.content === 'string'
      ? [{ type: 'text', text: m.content }]
      : Array.isArray(m.content)
        ? m.content.filter(isObject).map(toBlock)
        : [];
  return { type: 'user', session_id: str(v.session_id), message: { content } };
}

function toBlock(b: Json): ContentBlock {
  if (b.type === 'text') return { type: 'text', text: str(b.text) ?? '' };
  if (b.type === 'tool_use') return { type: 'tool_use', id: str(b.id), name: str(b.name) ?? '', input: b.input };
  // The text matters: a refused permission comes back as an error result in the CLI's own words.
  if (b.type === 'tool_result')
    return {
      type: 'tool_result',
      tool_use_id: str(b.tool_use_id),
      is_error: b.is_error === true,
      text: toolResultText(b.content),
    };
  return { type: 'other', originalType: str(b.type) ?? 'unknown' };
}

/** A tool result's content is a string or a list of text blocks. */
function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(isObject)
    .map((c) => str(c.text) ?? '')
    .join('\n');
}

function toResult(v: Json): ResultEvent {
  let modelUsage: Record<string, ModelUsageEntry> | undefined;
  if (isObject(v.modelUsage)) {
    modelUsage = {};
    for (const [model, entry] of Object.entries(v.modelUsage)) {
      if (!isObject(entry)) continue;
      modelUsage[model] = {
        inputTokens: num(entry.inputTokens),
        outputTokens: num(entry.outputTokens),
        cacheReadInputTokens: num(entry.cacheReadInputTokens),
        cacheCreationInputTokens: num(entry.cacheCreationInputTokens),
        costUSD: num(entry.costUSD),
      };
    }
  }
  return {
    type: 'result',
    subtype: str(v.subtype) ?? 'unknown',
    is_error: v.is_error === true,
    duration_ms: num(v.duration_ms),
    num_turns: num(v.num_turns),
    result: str(v.result),
    session_id: str(v.session_id),
    total_cost_usd: num(v.total_cost_usd),
    usage: toRawUsage(v.usage),
    modelUsage,
    permission_denials: toPermissionDenials(v.permission_denials),
  };
}

/** Keeps only the numeric token fields of a usage object; undefined when there is none. */
export function toRawUsage(v: unknown): RawUsage | undefined {
  if (!isObject(v)) return undefined;
  return {
    input_tokens: num(v.input_tokens),
    output_tokens: num(v.output_tokens),
    cache_creation_input_tokens: num(v.cache_creation_input_tokens),
    cache_read_input_tokens: num(v.cache_read_input_tokens),
  };
}

/** The CLI's usage in Nightshift's terms (cache writes = cache_creation_input_tokens). */
export function toTokenUsage(raw: RawUsage | undefined): TokenUsage {
  if (!raw) return { ...ZERO_USAGE };
  return {
    input: raw.input_tokens ?? 0,
    output: raw.output_tokens ?? 0,
    cacheWrite: raw.cache_creation_input_tokens ?? 0,
    cacheRead: raw.cache_read_input_tokens ?? 0,
  };
}

/** Adds two usages field by field. */
export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheWrite: a.cacheWrite + b.cacheWrite,
    cacheRead: a.cacheRead + b.cacheRead,
  };
}

/**
 * Usage and cost of a session from its events: the result event when there is one (it is the CLI's own total),
 * otherwise the sum of assistant usages, counting each message id once (cost unknown then).
 */
export function usageFromEvents(events: readonly StreamEvent[]): { usage: TokenUsage; costUsd: number | null } {
  const result = lastResult(events);
  if (result?.usage) return { usage: toTokenUsage(result.usage), costUsd: result.total_cost_usd ?? null };
  const tally = new AssistantUsageTally();
  for (const event of events) if (event.type === 'assistant') tally.add(event);
  return { usage: tally.total, costUsd: result?.total_cost_usd ?? null };
}

/** The last result event, if any. */
export function lastResult(events: readonly StreamEvent[]): ResultEvent | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event.type === 'result') return event;
  }
  return undefined;
}

/** Message ids a tally keeps apart; an older one is folded into the running sum (its lines are long over). */
const RECENT_MESSAGE_IDS = 256;

/**
 * Sums assistant usage once per message id: the CLI repeats a message's usage on each content-block line, so the
 * last line seen for an id stands for the whole message. Only the most recent ids are kept apart, in bounded
 * memory: a session printing for hours would otherwise hold every message id it ever printed.
 */
export class AssistantUsageTally {
  private readonly byId = new Map<string, TokenUsage>();
  private settled: TokenUsage = { ...ZERO_USAGE };

  add(event: AssistantEvent): void {
    const usage = toTokenUsage(event.message.usage);
    const id = event.message.id;
    if (id === undefined) {
      this.settled = addUsage(this.settled, usage);
      return;
    }
    this.byId.delete(id); // re-inserted as the newest
    this.byId.set(id, usage);
    if (this.byId.size <= RECENT_MESSAGE_IDS) return;
    const [oldest, oldestUsage] = this.byId.entries().next().value as [string, TokenUsage];
    this.byId.delete(oldest);
    this.settled = addUsage(this.settled, oldestUsage);
  }

  get total(): TokenUsage {
    let sum = this.settled;
    for (const usage of this.byId.values()) sum = addUsage(sum, usage);
    return sum;
  }
}
