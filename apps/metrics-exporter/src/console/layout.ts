import { type Html, html } from './html';

export interface Viewer {
  /** The operator's name when logged in with the token; null for a read-only loopback reader. */
  operator: string | null;
}

const VIEWS = [
  ['overview', '/console', 'Overview'],
  ['tickets', '/console/tickets', 'Tickets'],
  ['sessions', '/console/sessions', 'Sessions'],
  ['runs', '/console/runs', 'Runs and cost'],
  ['memory', '/console/memory', 'Memory'],
  ['events', '/console/events', 'Events'],
] as const;

export type ViewName = (typeof VIEWS)[number][0] | 'login';

/** The page around every view: navigation, who is looking, a live region for what actions answered. */
export function page(view: ViewName, title: string, viewer: Viewer, body: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Nightshift console</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        <script src="/console/assets/console.js" defer></script>
      </head>
      <body data-view="${view}" data-can-act="${viewer.operator !== null ? 'yes' : 'no'}">
        <header>
          <a class="brand" href="/console">Nightshift</a>
          <nav aria-label="Views">
            <ul>
              ${VIEWS.map(
                ([name, href, label]) =>
                  html`<li><a href="${href}" ${name === view ? html` aria-current="page"` : ''}>${label}</a></li>`,
              )}
            </ul>
          </nav>
          ${whoBox(viewer)}
        </header>
        <main id="main" data-live="${view === 'login' ? 'no' : 'yes'}">
          <h1>${title}</h1>
          ${body}
        </main>
        <p id="status" role="status" aria-live="polite"></p>
      </body>
    </html>`;
}

function whoBox(viewer: Viewer): Html {
  if (viewer.operator === null) return html`<p class="who">Read-only · <a href="/console/login">Log in to act</a></p>`;
  return html`<form class="who" data-post="/console/logout">
    <span>Operator: ${viewer.operator}</span> <button type="submit">Log out</button>
  </form>`;
}

/** A button that posts JSON to the operator API (console.js sends it); hidden from read-only viewers. */
export function actionButton(viewer: Viewer, url: string, label: string, body: Record<string, unknown> = {}): Html {
  if (viewer.operator === null) return html``;
  return html`<button type="button" class="action" data-post="${url}" data-body="${JSON.stringify(body)}">
    ${label}
  </button>`;
}

/** A table, or a sentence when there is nothing to list. */
export function table(caption: string, head: readonly string[], rows: readonly Html[], empty: string): Html {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  // Focusable, so a keyboard can scroll a table wider than a phone.
  return html`<div class="scroll" tabindex="0" role="region" aria-label="${caption}">
    <table>
      <caption>
        ${caption}
      </caption>
      <thead>
        <tr>
          ${head.map((h) => html`<th scope="col">${h}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}
