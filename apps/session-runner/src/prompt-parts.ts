import type { TicketComment } from '@nightshift/domain';

import { headBytes, truncationMarker } from './prompt-budget';

/**
 * How each budgeted part of the prompt is laid out and cut. Every function here returns text within
 * the bytes it is given: when even the truncation marker does not fit, the part is left out whole.
 */

export function newestFirst(comments: TicketComment[]): TicketComment[] {
  return [...comments].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

const formatComment = (c: TicketComment) => `- ${c.author} (${c.createdAt}): ${c.body}`;

export function formatComments(comments: TicketComment[]): string {
  return comments.map(formatComment).join('\n');
}

/** Newest comments first, whole while they fit; the first that does not fit is cut, older ones are left out. */
export function fitComments(
  comments: TicketComment[],
  bytes: number,
  url: string,
): { text: string; keptBytes: number; cutBytes: number } {
  const whole = formatComments(comments);
  const size = Buffer.byteLength(whole);
  if (size <= bytes) return { text: whole, keptBytes: size, cutBytes: 0 };
  const markerRoom = Buffer.byteLength(truncationMarker(size, `at ${url}`)) + 1;
  if (bytes < markerRoom) return { text: '', keptBytes: 0, cutBytes: size };
  let left = bytes - markerRoom;
  const lines: string[] = [];
  for (const comment of comments) {
    const line = formatComment(comment);
    const lineBytes = Buffer.byteLength(line) + 1;
    if (lineBytes <= left) {
      lines.push(line);
      left -= lineBytes;
      continue;
    }
    if (left > 200) lines.push(headBytes(line, left - 1));
    break;
  }
  const keptBytes = Buffer.byteLength(lines.join('\n'));
  const cutBytes = Math.max(1, size - keptBytes);
  const marker = truncationMarker(cutBytes, `at ${url}`);
  return { text: lines.length ? `${lines.join('\n')}\n${marker}` : marker, keptBytes, cutBytes };
}

export function formatRules(name: string, body: string): string {
  return `Repository rules from ${name}:\n${body}\n`;
}

/** Learnings are whole items, most relevant first: the ones that do not fit are dropped, and the drop is said. */
export function fitLearnings(
  items: string[],
  bytes: number,
  format: (items: string[]) => string,
): { text: string; cutBytes: number } {
  const whole = items.length ? format(items) : '';
  if (Buffer.byteLength(whole) <= bytes) return { text: whole, cutBytes: 0 };
  for (let keep = items.length - 1; keep > 0; keep--) {
    const note = `…${items.length - keep} more learning(s) left out to fit the prompt budget`;
    const text = format([...items.slice(0, keep), note]);
    if (Buffer.byteLength(text) <= bytes) return { text, cutBytes: Buffer.byteLength(whole) - Buffer.byteLength(text) };
  }
  return { text: '', cutBytes: Buffer.byteLength(whole) };
}
