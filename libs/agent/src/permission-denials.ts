import type { PermissionDenial } from './result-denials';
import type { ResultEvent, StreamEvent } from './stream-events';

/** Enough tool calls remembered to pair a late error result with its call; older ones are forgotten. */
const MAX_TOOL_USES = 500;
/** A session denied more often than this is summarised by its first denials. */
const MAX_DENIALS = 100;

/**
 * The CLI's own wording when it refuses a tool call: no allow rule in a headless session ("Claude requested
 * permissions to use Bash, but you haven't granted it yet."), a deny rule ("Permission to use Bash with command
 * git push has been denied."), dontAsk mode, or a path denied by settings.
 */
const DENIAL_TEXT = [
  /requested permissions? to (use|write|read|edit)/i,
  /^Permission to use \S+.* has been denied/i,
  /denied by your permission settings/i,
];

/** True when a tool result's text is the CLI refusing the call rather than the tool failing. */
export function isDenialText(text: string): boolean {
  return DENIAL_TEXT.some((re) => re.test(text.trim()));
}

/**
 * Collects a session's denials from the stream as it goes (each refused call comes back as an error tool
 * result) and merges them with the result event's list: the result's list is the CLI's own record, but it
 * has been seen to miss some refusals, and a session killed before its result has no list at all.
 */
export class DenialTracker {
  private readonly toolUses = new Map<string, { name: string; input: unknown }>();
  private readonly seen: PermissionDenial[] = [];

  add(event: StreamEvent): void {
    if (event.type === 'assistant') {
      for (const block of event.message.content) {
        if (block.type !== 'tool_use' || !block.id) continue;
        this.toolUses.set(block.id, { name: block.name, input: block.input });
        if (this.toolUses.size > MAX_TOOL_USES) this.toolUses.delete(this.toolUses.keys().next().value as string);
      }
    } else if (event.type === 'user') {
      for (const r of event.message.content) {
        if (r.type !== 'tool_result' || !r.is_error || !isDenialText(r.text ?? '') || this.seen.length >= MAX_DENIALS)
          continue;
        const call = r.tool_use_id ? this.toolUses.get(r.tool_use_id) : undefined;
        this.seen.push({
          tool_name: call?.name ?? toolNameInText(r.text ?? '') ?? 'unknown',
          tool_use_id: r.tool_use_id,
          tool_input: call?.input,
        });
      }
    }
  }

  /** The result event's denials, plus those seen in the stream that it does not list. */
  denials(result?: ResultEvent): PermissionDenial[] {
    const listed = result?.permission_denials ?? [];
    const ids = new Set(listed.map((d) => d.tool_use_id).filter(Boolean));
    const extra = this.seen.filter((d) => !d.tool_use_id || !ids.has(d.tool_use_id));
    return [...listed, ...extra].slice(0, MAX_DENIALS);
  }
}

function toolNameInText(text: string): string | undefined {
  return /permissions? to use (\w+)/i.exec(text)?.[1];
}

/**
 * A denial as a human reads it, in the CLI's own rule shape: `Bash(npm test)`, `Read(/home/x/.env)`, or the
 * bare tool name. Not redacted: callers redact before it reaches a log, an event or a PR.
 */
export function describeDenial(denial: PermissionDenial, maxChars = 200): string {
  const input = (
    typeof denial.tool_input === 'object' && denial.tool_input !== null ? denial.tool_input : {}
  ) as Record<string, unknown>;
  const detail = [input['command'], input['file_path'], input['path'], input['url'], input['pattern']].find(
    (v): v is string => typeof v === 'string',
  );
  const text = detail === undefined ? denial.tool_name : `${denial.tool_name}(${detail.replace(/\s+/g, ' ').trim()})`;
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}
