import type { IgnoredNote } from '@nightshift/domain';
import type { PrFeedback } from '@nightshift/forge';
import type { EventLog } from '@nightshift/state';
import { Counter, type Registry } from 'prom-client';

/**
 * Records review notes left out because their authors are not trusted (domain's trusted-author.ts in the
 * forge's reading): one `feedback.ignored` event and one count each, naming who and where, never what they
 * wrote. Each note is recorded once per scanner process (later scans see it again until the ticket's
 * next session); a restart may record a note a second time.
 */
export class IgnoredFeedback {
  private readonly seen = new Set<string>();
  private readonly counter: Counter;

  constructor(
    private readonly events: EventLog,
    registry: Registry,
  ) {
    this.counter = new Counter({
      name: 'nightshift_feedback_ignored_total',
      help: 'Review notes, PR comments and ticket comments left out because their author is not trusted, by source',
      labelNames: ['repo', 'source'],
      registers: [registry],
    });
  }

  async record(repo: string, ticket: string, feedback: PrFeedback): Promise<void> {
    for (const note of feedback.ignored ?? []) {
      const key = `${repo}|${feedback.number}|${note.kind}|${note.author}|${note.at}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.counter.inc({ repo, source: note.kind });
      await this.events.append({ type: 'feedback.ignored', repo, ticket, detail: detail(note, feedback.url) });
    }
  }
}

function detail(note: IgnoredNote, pr: string): Record<string, string> {
  return { source: note.kind, author: note.author, association: note.association, at: note.at, pr };
}
