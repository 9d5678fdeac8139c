import type { NightshiftConfig } from '@nightshift/config';

import type { Overview } from './console-data';
import { ageText, type Html, html, usd } from './html';
import { actionButton, table, type Viewer } from './layout';

/** Hosts, queues, pauses (with Resume), spend today against the budgets, tickets done tonight. */
export function overviewView(o: Overview, config: NightshiftConfig, viewer: Viewer): Html {
  const { fleet, hosts } = o;
  const busy = fleet.sessions.length;
  const slots = fleet.hosts.reduce((s, h) => s + h.slots, 0);
  return html` <section aria-labelledby="h-swarm">
      <h2 id="h-swarm">Swarm</h2>
      <ul class="cards">
        <li><strong id="running-count">${busy}</strong> running sessions</li>
        <li><strong>${slots - busy}</strong> of ${slots} slots free</li>
        <li><strong>${hosts.live.length}</strong> hosts live, <strong>${hosts.gone.length}</strong> gone</li>
        <li><strong>${o.doneTonight}</strong> tickets done tonight</li>
        <li><strong>${usd(o.spendToday.total)}</strong> spent today</li>
      </ul>
    </section>
    <section aria-labelledby="h-pauses">
      <h2 id="h-pauses">Pauses</h2>
      ${table(
        'What is paused, why, and until when',
        ['Scope', 'Reason', 'Until', 'By', ''],
        fleet.pauses.map(
          (p) =>
            html`<tr class="pause">
              <td>${p.description}</td>
              <td>${p.reason}</td>
              <td>${p.until ? html`${p.until} (in ${ageText(p.remainingSec ?? 0)})` : 'until resumed'}</td>
              <td>${p.by}</td>
              <td>${resumeButton(viewer, p)}</td>
            </tr>`,
        ),
        'Nothing paused.',
      )}
      ${fleet.pauses.some((p) => p.scope.kind === 'intake') ? '' : actionButton(viewer, '/api/v1/pause', 'Pause intake', { reason: 'paused from the console' })}
    </section>
    <section aria-labelledby="h-hosts">
      <h2 id="h-hosts">Hosts</h2>
      ${table(
        'Hosts with their slots and capabilities',
        ['Host', 'State', 'Slots used', 'Capabilities', 'Not taking work because'],
        [
          ...hosts.live.map(
            (h) =>
              html`<tr>
                <td>${h.name}</td>
                <td>${h.idleReason ? 'idle' : 'live'}</td>
                <td>${h.slotsBusy}/${h.slots}</td>
                <td>${h.capabilities.join(', ')}</td>
                <td>${h.idleReason ?? (h.slotsBusy >= h.slots ? 'all slots busy' : '')}</td>
              </tr>`,
          ),
          ...hosts.gone.map(
            (h) =>
              html`<tr>
                <td>${h.name}</td>
                <td>gone</td>
                <td>-/${h.slots}</td>
                <td>${h.capabilities.join(', ')}</td>
                <td>no heartbeat since ${h.heartbeatAt}</td>
              </tr>`,
          ),
        ],
        'No host has registered (is a session-runner running?).',
      )}
    </section>
    <section aria-labelledby="h-queues">
      <h2 id="h-queues">Queues</h2>
      ${table(
        'Jobs by queue and state',
        ['Queue', 'Waiting', 'Active', 'Delayed', 'Failed'],
        fleet.queues.map(
          (q) =>
            html`<tr>
              <td>${q.name}</td>
              <td>${q.counts.waiting}</td>
              <td>${q.counts.active}</td>
              <td>${q.counts.delayed}</td>
              <td>${q.counts.failed}</td>
            </tr>`,
        ),
        'No queue.',
      )}
    </section>
    <section aria-labelledby="h-spend">
      <h2 id="h-spend">Spend today</h2>
      ${table(
        'Spend today against the daily budgets',
        ['Repo or account', 'Spent', 'Daily budget'],
        [
          ...[...o.spendToday.byRepo].map(
            ([repo, n]) =>
              html`<tr>
                <td>repo ${repo}</td>
                <td>${usd(n)}</td>
                <td>${budget(config.budgets.perRepoDailyUsd)}</td>
              </tr>`,
          ),
          ...[...o.spendToday.byAccount].map(
            ([a, n]) =>
              html`<tr>
                <td>account ${a}</td>
                <td>${usd(n)}</td>
                <td>${budget(config.budgets.perAccountDailyUsd)}</td>
              </tr>`,
          ),
        ],
        'Nothing spent today.',
      )}
      <p>Hourly budget (alert): ${usd(config.observability.costBudgetUsdPerHour)}.</p>
    </section>`;
}

const budget = (n: number | undefined): string => (n === undefined ? 'none' : usd(n));

type PauseRow = Overview['fleet']['pauses'][number];

/** Resume for the scopes a human pauses; a repo's budget pause ends with the day. */
function resumeButton(viewer: Viewer, p: PauseRow): Html {
  const s = p.scope;
  if (s.kind === 'repo') return html``;
  const body = s.kind === 'account' ? { account: s.account } : s.kind === 'ticket' ? { ticket: s.ticket } : {};
  return actionButton(viewer, '/api/v1/resume', `Resume ${p.description}`, body);
}
