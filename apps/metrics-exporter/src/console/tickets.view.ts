import type { NightshiftConfig } from '@nightshift/config';

import type { TicketRow } from './console-data';
import { type Html, html, isWebUrl } from './html';
import { actionButton, table, type Viewer } from './layout';

/** Tickets with Nightshift's view of each, filterable by state and repo; Retry and Pause per ticket. */
export function ticketsView(
  rows: TicketRow[],
  filter: { state?: string; repo?: string },
  config: NightshiftConfig,
  viewer: Viewer,
): Html {
  const { states } = config.tracker;
  const stateNames = [...states.queue, states.inProgress, states.inReview, states.needsHuman];
  return html` <form class="filters" method="get" action="/console/tickets">
      <label
        >State
        <select name="state">
          <option value="">any</option>
          ${stateNames.map((s) => html`<option${s === filter.state ? html` selected` : ''}>${s}</option>`)}
        </select></label
      >
      <label
        >Repo
        <select name="repo">
          <option value="">any</option>
          ${config.repos.map((r) => html`<option${r.name === filter.repo ? html` selected` : ''}>${r.name}</option>`)}
        </select></label
      >
      <button type="submit">Filter</button>
    </form>
    ${table(
      'Tickets on the tracker with their runs',
      ['Ticket', 'State', 'Repo', 'Attempts', 'Model', 'Last outcome', 'PR', 'Actions'],
      rows.map((t) => row(t, states.needsHuman, viewer)),
      'No ticket matches.',
    )}`;
}

function row(t: TicketRow, needsHuman: string, viewer: Viewer): Html {
  return html`<tr class="ticket" data-ticket="${t.key}">
    <td>
      <strong>${t.key}</strong> <span class="title">${t.title}</span>${
        t.needsHumanNote ? html`<p class="note">Needs Human: ${t.needsHumanNote}</p>` : ''
      }
    </td>
    <td>${t.state}${t.paused ? ' (paused)' : ''}</td>
    <td>${t.repo}</td>
    <td>${t.attempts}</td>
    <td>${t.model}</td>
    <td>${t.lastOutcome}${t.reason ? html`<br /><small>${t.reason}</small>` : ''}</td>
    <td>${isWebUrl(t.prUrl) ? html`<a href="${t.prUrl}" rel="noreferrer">PR</a>` : t.prUrl}</td>
    <td>
      ${t.state === needsHuman ? actionButton(viewer, `/api/v1/tickets/${encodeURIComponent(t.key)}/retry`, `Retry ${t.key}`, { resetAttempts: true }) : ''}
      ${
        t.paused
          ? actionButton(viewer, '/api/v1/resume', `Resume ${t.key}`, { ticket: t.key })
          : actionButton(viewer, '/api/v1/pause', `Pause ${t.key}`, {
              ticket: t.key,
              reason: 'paused from the console',
            })
      }
    </td>
  </tr>`;
}
