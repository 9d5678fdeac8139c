import type { NightshiftEvent } from '@nightshift/contracts';
import { escapeForTerminal } from '@nightshift/domain';

import { oneLine } from './runs-table';

type Detail = Record<string, string | number | boolean>;

/** What the common transitions say, in words; any other event is its type and its facts. */
const SAYS: Partial<Record<NightshiftEvent['type'], (d: Detail) => string>> = {
  'ticket.scanned': (d) => `seen in ${d['state']}`,
  'ticket.claimed': () => 'claimed',
  'ticket.routed': (d) => `routed (by ${d['by']})`,
  'ticket.skipped': (d) => `skipped: ${d['reason']}`,
  'ticket.moved': (d) => `${d['from'] ? `${d['from']} → ` : '→ '}${d['to']}${d['why'] ? ` (${d['why']})` : ''}`,
  'ticket.requeued': (d) => `back to ${d['to']}${d['reason'] ? `: ${d['reason']}` : ''}`,
  'ticket.retried': (d) => `retried by ${d['by']}${d['reason'] ? `: ${d['reason']}` : ''}`,
  'session.started': (d) => `agent started: ${d['model']}, attempt ${d['attempt']}`,
  'session.outcome': (d) => `agent ended: ${d['outcome']}${d['reason'] ? ` (${d['reason']})` : ''}`,
  'pr.opened': (d) => `PR opened: ${d['url']}`,
  'pr.updated': (d) => `PR updated: ${d['url']}`,
  'pause.started': (d) => `paused ${d['scope']}: ${d['reason']}`,
  'pause.ended': (d) => `resumed ${d['scope']}`,
};

/**
 * One transition as `up` shows it on a terminal: time, ticket, what happened, where. Ticket text in it
 * (titles, reasons) has its control characters shown escaped.
 */
export function transitionLine(e: NightshiftEvent): string {
  const detail = e.detail ?? {};
  const says =
    SAYS[e.type]?.(detail) ??
    `${e.type} ${Object.entries(detail)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ')}`.trim();
  const where = [e.repo, e.host && `@${e.host}`, e.run && `run ${e.run}`].filter(Boolean).join(' ');
  const time = e.at.slice(11, 19);
  return escapeForTerminal(
    `${time}  ${(e.ticket ?? '-').padEnd(8)} ${oneLine(says, 160)}${where ? `  [${where}]` : ''}`,
  );
}
