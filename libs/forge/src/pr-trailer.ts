// Nightshift's own trailer: the body's last line. A marker anywhere else (quoted agent text) is not read.
const TRAILER = /\n<!-- nightshift:tickets ([^>\n]*) -->\s*$/;
const ANY_MARKER = /<!-- nightshift:tickets [^>]*-->/g;

/** True when the body ends with Nightshift's ticket trailer. */
export function hasTicketTrailer(body: string): boolean {
  return TRAILER.test(body);
}

/**
 * The tickets a PR/MR belongs to: the body's trailer, else an `agent/<ticket>` head branch, else none.
 */
export function ticketsOf(body: string, head: string): string[] {
  const marked = TRAILER.exec(body)?.[1];
  if (marked)
    return marked
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
  return head.startsWith('agent/') ? [head.slice('agent/'.length)] : [];
}

/**
 * The ticket keys travel in a hidden marker, the body's last line, so a PR found later (or by another runner) says
 * whose it is. Every other marker-like comment is dropped: only this trailer is ever read back.
 */
export function withTicketTrailer(body: string, tickets: string[]): string {
  const clean = body.replace(ANY_MARKER, '').trimEnd();
  return `${clean}\n\n<!-- nightshift:tickets ${tickets.join(',')} -->`;
}
