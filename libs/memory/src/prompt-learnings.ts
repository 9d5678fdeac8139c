import type { RecalledLearning } from '@nightshift/contracts';

import { shortId } from './learning';

/**
 * The lines the `{{learnings}}` slot shows: best first, each cited by its short id, cut to a token
 * budget (about 4 characters a token) so memory never crowds the ticket out of the prompt; a text
 * shown once is not shown again.
 */
export function promptLearnings(learnings: RecalledLearning[], maxTokens: number): { lines: string[]; ids: string[] } {
  const budget = maxTokens * 4;
  const lines: string[] = [];
  const ids: string[] = [];
  let used = 0;
  const seen = new Set<string>();
  for (const l of learnings) {
    // Two learnings that read the same (recorded before repeats were merged) are shown once.
    if (seen.has(l.text)) continue;
    seen.add(l.text);
    const line = `[mem:${shortId(l.id)}${l.status === 'trusted' ? ', trusted' : ''}] ${l.text}`.slice(0, 500);
    if (used + line.length > budget) break;
    lines.push(line);
    ids.push(l.id);
    used += line.length;
  }
  return { lines, ids };
}
