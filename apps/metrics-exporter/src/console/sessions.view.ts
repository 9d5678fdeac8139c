import type { RunRecord } from '@nightshift/contracts';
import { humanDuration } from '@nightshift/domain';
import { type LiveSession, runRecordKey } from '@nightshift/state';

import { type Html, html } from './html';
import { table } from './layout';

export interface SessionRow {
  session: LiveSession;
  record: RunRecord | null;
  /** The last transcript line and how long the stream has been silent, as the stall detector sees it. */
  lastLine: string;
  silentMs: number | null;
}

/** Running sessions; each links to its live transcript. */
export function sessionsView(rows: SessionRow[], agentKind: string, now = Date.now()): Html {
  return table(
    'Running sessions',
    ['Ticket', 'Host', 'Agent / model', 'Elapsed', 'Last line', 'Silent for'],
    rows.map(({ session: s, record: r, lastLine, silentMs }) => {
      const key = runRecordKey(s);
      return html`<tr class="session">
        <td><a href="/console/sessions/${encodeURIComponent(key)}">${s.tickets.join(', ')}</a></td>
        <td>${s.host}</td>
        <td>${r?.agent ?? agentKind} / ${r?.model ?? '?'}</td>
        <td>${r ? humanDuration(now - Date.parse(r.startedAt)) : '?'}</td>
        <td>${lastLine}</td>
        <td>${silentMs === null ? '' : humanDuration(silentMs)}</td>
      </tr>`;
    }),
    'No session running.',
  );
}

/** One session: its facts, then its transcript, which console.js keeps appending to from the stream. */
export function transcriptView(record: RunRecord, key: string, stallTimeoutSec: number): Html {
  return html`<dl class="facts">
      <dt>Tickets</dt>
      <dd>${record.tickets.join(', ')}</dd>
      <dt>Repo</dt>
      <dd>${record.repo}</dd>
      <dt>Host</dt>
      <dd>${record.host}</dd>
      <dt>Model</dt>
      <dd>${record.agent ?? ''} ${record.model}</dd>
      <dt>Started</dt>
      <dd>${record.startedAt}</dd>
      <dt>Outcome</dt>
      <dd id="outcome">${record.outcome ?? 'running'}</dd>
      <dt>Stall detector</dt>
      <dd>stops it after ${stallTimeoutSec} s of silence</dd>
    </dl>
    <h2>Transcript</h2>
    <ol
      id="transcript"
      class="transcript"
      data-stream="/console/sessions/${encodeURIComponent(key)}/stream"
      aria-live="polite"
    ></ol>`;
}
