import type { RecallResult } from '@nightshift/contracts';

import { type Html, html } from './html';
import { actionButton, type Viewer } from './layout';

/** Search the learnings; each result shows its whole text and where it came from, with Forget. */
export function memoryView(query: string, result: RecallResult | null, error: string | null, viewer: Viewer): Html {
  return html` <form class="filters" method="get" action="/console/memory">
      <label>Search learnings <input name="q" value="${query}" type="search" /></label>
      <button type="submit">Search</button>
    </form>
    ${error ? html`<p class="error">${error}</p>` : ''}
    ${
      result === null
        ? html`<p class="empty">Search what Nightshift learned from earlier runs.</p>`
        : result.learnings.length === 0
          ? html`<p class="empty">
              ${result.answered ? 'No learning matches.' : 'The memory-consolidator did not answer.'}
            </p>`
          : html`<ol class="learnings">
              ${result.learnings.map(
                (l) =>
                  html`<li>
                    <details>
                      <summary>${l.repo} · ${l.status} · ${l.score.toFixed(3)} · ${l.text.slice(0, 100)}</summary>
                      <p>${l.text}</p>
                      <p><small>id ${l.id} · from runs ${l.runIds.join(', ')}</small></p>
                      ${actionButton(viewer, `/api/v1/memory/${l.id}/forget`, 'Forget this learning')}
                    </details>
                  </li>`,
              )}
            </ol>`
    }`;
}
