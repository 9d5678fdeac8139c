import type { Ticket } from './ticket';

/** The part of a repo's config that routing needs. */
export interface RoutableRepo {
  name: string;
  labels: string[];
  keywords: string[];
}

export type RouteDecision =
  { kind: 'routed'; repo: string; by: 'prefix' | 'label' | 'keyword' } | { kind: 'unknown'; reason: string };

const PREFIX = /^\s*\[([^\]]+)\]/;

/**
 * Picks the repository for a ticket: a `[repo]` title prefix wins, then a label naming a repo's
 * label, then the first repo (in config order) with a keyword in the title or description.
 */
export function routeTicket(
  ticket: Pick<Ticket, 'title' | 'description' | 'labels'>,
  repos: RoutableRepo[],
): RouteDecision {
  const prefix = PREFIX.exec(ticket.title)?.[1]?.trim().toLowerCase();
  if (prefix) {
    const repo = repos.find((r) => r.name.toLowerCase() === prefix);
    if (repo) return { kind: 'routed', repo: repo.name, by: 'prefix' };
  }
  const labels = new Set(ticket.labels.map((l) => l.toLowerCase()));
  const byLabel = repos.find(
    (r) => labels.has(r.name.toLowerCase()) || r.labels.some((l) => labels.has(l.toLowerCase())),
  );
  if (byLabel) return { kind: 'routed', repo: byLabel.name, by: 'label' };

  const text = `${ticket.title}\n${ticket.description}`.toLowerCase();
  const byKeyword = repos.find((r) => r.keywords.some((k) => containsWord(text, k.toLowerCase())));
  if (byKeyword) return { kind: 'routed', repo: byKeyword.name, by: 'keyword' };

  const tried = prefix ? `title prefix [${prefix}] names no configured repo; ` : '';
  return {
    kind: 'unknown',
    reason: `${tried}no label or keyword matches a configured repo (known repos: ${repos.map((r) => r.name).join(', ')}). Add a [repo] prefix to the title or a repo label.`,
  };
}

function containsWord(text: string, word: string): boolean {
  if (!word) return false;
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^a-z0-9])${escaped}($|[^a-z0-9])`).test(text);
}
