import type { RunRecord } from '@nightshift/contracts';

import { type Html, html, usd } from './html';
import { table } from './layout';

export const GROUPINGS = ['repo', 'model', 'agent', 'night'] as const;
export type Grouping = (typeof GROUPINGS)[number];

interface Group {
  name: string;
  runs: number;
  succeeded: number;
  costUsd: number;
  tokens: number;
}

const keyOf: Record<Grouping, (r: RunRecord) => string> = {
  repo: (r) => r.repo,
  model: (r) => r.model,
  agent: (r) => r.agent ?? 'claude-code',
  // A night is named by the evening it began in (UTC): a run at 02:00 belongs to the night before.
  night: (r) => new Date(Date.parse(r.startedAt) - 12 * 3600_000).toISOString().slice(0, 10),
};

/** Runs and cost grouped by repo, model, agent or night, with a bar chart of the cost. */
export function runsView(runs: RunRecord[], by: Grouping): Html {
  const groups = new Map<string, Group>();
  for (const r of runs) {
    const name = keyOf[by](r);
    const g = groups.get(name) ?? { name, runs: 0, succeeded: 0, costUsd: 0, tokens: 0 };
    g.runs += 1;
    g.succeeded += r.outcome === 'success' ? 1 : 0;
    g.costUsd += r.costUsd ?? 0;
    g.tokens += r.usage ? r.usage.input + r.usage.output : 0;
    groups.set(name, g);
  }
  const rows = [...groups.values()].sort((a, b) => b.costUsd - a.costUsd || a.name.localeCompare(b.name));
  return html` <nav aria-label="Group by" class="filters">
      Group by:
      ${GROUPINGS.map(
        (g) => html`<a href="/console/runs?by=${g}" ${g === by ? html` aria-current="true"` : ''}>${g}</a> `,
      )}
    </nav>
    ${chart(rows, by)}
    ${table(
      `Runs and cost by ${by}`,
      [by, 'Runs', 'Succeeded', 'Tokens', 'Cost'],
      rows.map(
        (g) =>
          html`<tr>
            <td>${g.name}</td>
            <td>${g.runs}</td>
            <td>${g.succeeded}</td>
            <td>${g.tokens}</td>
            <td>${usd(g.costUsd)}</td>
          </tr>`,
      ),
      'No runs yet.',
    )}`;
}

/** Inline SVG bars: no script, no library, readable offline and by a screen reader (its title and the table). */
function chart(rows: Group[], by: Grouping): Html {
  if (rows.length === 0) return html``;
  const max = Math.max(...rows.map((g) => g.costUsd), 0.0001);
  const bar = 22;
  return html`<figure class="chart">
    <svg role="img" aria-labelledby="chart-title" viewBox="0 0 400 ${rows.length * bar + 4}" width="100%">
      <title id="chart-title">Cost by ${by}</title>
      ${rows.map(
        (g, i) =>
          html`<g transform="translate(0 ${i * bar + 2})"
            ><text x="0" y="15" font-size="12" fill="currentColor">${g.name.slice(0, 18)}</text>
            <rect
              x="130"
              y="3"
              height="15"
              width="${Math.max(1, Math.round((g.costUsd / max) * 200))}"
              fill="#2f6fb3"
            ></rect>
            <text x="${136 + Math.round((g.costUsd / max) * 200)}" y="15" font-size="12" fill="currentColor"
              >${usd(g.costUsd)}</text
            ></g
          >`,
      )}
    </svg>
    <figcaption>Cost by ${by} (recent runs)</figcaption>
  </figure>`;
}
