import type { StoredEvent } from '@nightshift/state';

import { type Html, html } from './html';

/** One event as a list item; console.js renders live ones the same way (textContent, never markup). */
export function eventText(e: StoredEvent): string {
  const where = [e.ticket, e.repo, e.host].filter(Boolean).join(' · ');
  const detail = Object.entries(e.detail ?? {})
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  return `${e.at.slice(11, 19)} ${e.type}${where ? ` · ${where}` : ''}${detail ? ` · ${detail}` : ''}`;
}

/** The event stream, newest first; the filter narrows it by type or ticket, here and as new events arrive. */
export function eventsView(events: StoredEvent[], filter: string): Html {
  const shown = events
    .filter((e) => matches(e, filter))
    .slice(-200)
    .reverse();
  return html` <form class="filters" method="get" action="/console/events">
      <label>Filter (type or ticket) <input name="q" value="${filter}" id="event-filter" /></label>
      <button type="submit">Filter</button>
    </form>
    <ol id="events" class="events" data-filter="${filter}" data-after="${events.at(-1)?.id ?? '$'}">
      ${shown.map((e) => html`<li data-type="${e.type}">${eventText(e)}</li>`)}
    </ol>`;
}

export function matches(e: StoredEvent, filter: string): boolean {
  if (!filter) return true;
  const f = filter.toLowerCase();
  return e.type.toLowerCase().includes(f) || (e.ticket ?? '').toLowerCase() === f;
}
