const UNSAFE = /[^A-Za-z0-9._-]/g;

/**
 * Turns a ticket key (tracker data, so untrusted) into a path- and ref-safe token: only
 * [A-Za-z0-9._-], no leading dots (no `..`), capped in length with a hash so distinct keys stay distinct.
 */
export function safeKey(ticketKey: string): string {
  let key = ticketKey
    .replace(UNSAFE, '-')
    .replace(/^[.-]+/, '')
    .replace(/\.{2,}/g, '-');
  if (key.endsWith('.lock')) key = `${key.slice(0, -5)}-lock`;
  if (key.length === 0) key = 'ticket';
  if (key === ticketKey && key.length <= 80) return key;
  return `${key.slice(0, 64)}-${fnv1a(ticketKey)}`;
}

/** The deterministic branch for a ticket: the same ticket always lands on the same branch, hence the same PR. */
export function branchForTicket(ticketKey: string): string {
  return `agent/${safeKey(ticketKey)}`;
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const ch of text) {
    hash ^= ch.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
