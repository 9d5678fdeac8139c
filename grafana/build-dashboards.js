#!/usr/bin/env node
// The Grafana dashboards, as code: `node grafana/build-dashboards.js` writes grafana/dashboards/*.json
// (committed; Grafana's file provider loads them). Stable uids, so links and bookmarks survive edits.
// A spec checks the committed JSON is what this script produces, and that every metric a panel
// queries is exported by some service (apps/metrics-exporter/src/observability-coverage.spec.ts).
const fs = require('node:fs');
const path = require('node:path');

const DATASOURCE = { type: 'prometheus', uid: 'nightshift-prometheus' };

/** Lays panels out two per row, 12 columns wide and 8 high; stats four per row. */
function layout(panels) {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return panels.map((panel, id) => {
    const w = panel.type === 'stat' ? 6 : 12;
    const h = panel.type === 'stat' ? 4 : 8;
    if (x + w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const placed = { ...panel, id: id + 1, gridPos: { x, y, w, h } };
    x += w;
    rowHeight = Math.max(rowHeight, h);
    return placed;
  });
}

const targets = (queries) =>
  queries.map(([expr, legendFormat], i) => ({
    datasource: DATASOURCE,
    expr,
    legendFormat,
    refId: String.fromCharCode(65 + i),
  }));

function timeseries(title, queries, unit = 'short', description = '') {
  return {
    type: 'timeseries',
    title,
    description,
    datasource: DATASOURCE,
    targets: targets(queries),
    fieldConfig: { defaults: { unit }, overrides: [] },
    options: { legend: { displayMode: 'table', placement: 'bottom' } },
  };
}

function stat(title, expr, unit = 'short', description = '') {
  return {
    type: 'stat',
    title,
    description,
    datasource: DATASOURCE,
    targets: targets([[expr, title]]),
    fieldConfig: { defaults: { unit }, overrides: [] },
    options: { reduceOptions: { calcs: ['lastNotNull'] } },
  };
}

function variable(name, query) {
  return {
    name,
    label: name,
    type: 'query',
    datasource: DATASOURCE,
    query: { query, refId: name },
    definition: query,
    refresh: 2,
    includeAll: true,
    multi: true,
    current: { text: ['All'], value: ['$__all'] },
  };
}

function dashboard(uid, title, panels, vars = []) {
  return {
    uid,
    title,
    tags: ['nightshift'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    editable: false,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    templating: { list: vars },
    annotations: { list: [] },
    // Every field Grafana's schema requires of a link, written out (Grafana's own export does the same).
    links: [
      {
        type: 'dashboards',
        tags: ['nightshift'],
        asDropdown: true,
        title: 'Nightshift',
        icon: 'external link',
        tooltip: '',
        targetBlank: false,
        includeVars: false,
        keepTime: true,
      },
    ],
    panels: layout(panels),
  };
}

const FAILED = 'task_failed|timeout|stalled|fast_fail|infra_error';

const DASHBOARDS = {
  'nightshift-overview': dashboard('nightshift-overview', 'Nightshift / Overview', [
    stat('Live sessions', 'nightshift:sessions_live:sum'),
    stat('Slots in use', 'nightshift:slots_in_use:ratio', 'percentunit'),
    stat('Session jobs queued', 'nightshift:session_jobs_queued:sum'),
    stat('Oldest waiting job', 'max(nightshift_queue_oldest_job_age_seconds{state=~"waiting|prioritized"})', 's'),
    stat('Pauses in force', 'count(nightshift_pause_active) or vector(0)'),
    stat('Stranded tickets', 'nightshift_tickets_stranded'),
    stat(
      'Since last good tracker poll',
      'time() - max(nightshift_tracker_last_success_timestamp_seconds)',
      's',
      '"No work" only means no work while this stays under the scan interval',
    ),
    stat('Spent in the last hour', 'nightshift:cost_usd:increase1h', 'currencyUSD'),
    timeseries('Queue depth', [
      ['sum by (queue, state) (nightshift_queue_jobs{state!="failed"})', '{{queue}} {{state}}'],
    ]),
    timeseries('Runs finished per hour, by outcome', [['nightshift:runs:increase1h', '{{outcome}}']]),
    timeseries('Tickets moved, by target state (per hour)', [
      ['sum by (to) (increase(nightshift_ticket_moves_total[1h]))', '{{to}}'],
    ]),
    timeseries('Services up', [['up', '{{job}} {{node}}']]),
  ]),
  'nightshift-repo': dashboard(
    'nightshift-repo',
    'Nightshift / Per repo',
    [
      timeseries('Runs by outcome (per hour)', [
        ['sum by (repo, outcome) (increase(nightshift_runs_total{repo=~"$repo"}[1h]))', '{{repo}} {{outcome}}'],
      ]),
      timeseries(
        'Cost by model (USD per hour)',
        [['sum by (repo, model) (increase(nightshift_run_cost_usd_total{repo=~"$repo"}[1h]))', '{{repo}} {{model}}']],
        'currencyUSD',
      ),
      timeseries('Tokens by kind (per hour)', [
        ['sum by (repo, kind) (increase(nightshift_run_tokens_total{repo=~"$repo"}[1h]))', '{{repo}} {{kind}}'],
      ]),
      timeseries('Attempts spent (per hour)', [
        [
          'sum by (repo, outcome) (increase(nightshift_attempts_spent_total{repo=~"$repo"}[1h]))',
          '{{repo}} {{outcome}}',
        ],
      ]),
      timeseries('Worktrees created and removed (per hour)', [
        ['sum by (repo) (increase(nightshift_worktrees_created_total{repo=~"$repo"}[1h]))', '{{repo}} created'],
        [
          'sum by (repo, reason) (increase(nightshift_worktrees_removed_total{repo=~"$repo"}[1h]))',
          '{{repo}} removed ({{reason}})',
        ],
        [
          'sum by (repo) (increase(nightshift_worktrees_orphans_swept_total{repo=~"$repo"}[1h]))',
          '{{repo}} orphans swept',
        ],
      ]),
      timeseries('Sessions by outcome, as the runners count them (per hour)', [
        ['sum by (repo, outcome) (increase(nightshift_sessions_total{repo=~"$repo"}[1h]))', '{{repo}} {{outcome}}'],
      ]),
    ],
    [variable('repo', 'label_values(nightshift_runs_total, repo)')],
  ),
  'nightshift-host': dashboard(
    'nightshift-host',
    'Nightshift / Per host',
    [
      timeseries('Slots and live sessions', [
        ['max by (host) (nightshift_host_slots{host=~"$host"})', '{{host}} slots (config)'],
        ['max by (host) (nightshift_host_sessions{host=~"$host"})', '{{host}} live sessions'],
        ['max by (host) (nightshift_slots{host=~"$host"})', '{{host}} slots (runner)'],
        ['max by (host) (nightshift_slots_busy{host=~"$host"})', '{{host}} slots busy (runner)'],
      ]),
      timeseries(
        'Session wall time p50 / p90',
        [
          ['histogram_quantile(0.5, sum by (le) (rate(nightshift_session_duration_seconds_bucket[1h])))', 'p50'],
          ['histogram_quantile(0.9, sum by (le) (rate(nightshift_session_duration_seconds_bucket[1h])))', 'p90'],
        ],
        's',
      ),
      timeseries(
        'Worktree disk',
        [
          ['nightshift_worktrees_disk_bytes', '{{node}} used'],
          ['nightshift_worktrees_disk_budget_bytes', '{{node}} budget'],
        ],
        'bytes',
      ),
      timeseries('Worktrees live and creates waiting for disk', [
        ['nightshift_worktrees_live', '{{node}} live'],
        ['nightshift_worktrees_waiting_for_disk', '{{node}} waiting for disk'],
      ]),
      timeseries(
        'git operation p90 by op',
        [
          [
            'histogram_quantile(0.9, sum by (le, op) (rate(nightshift_worktrees_git_operation_duration_seconds_bucket[15m])))',
            '{{op}}',
          ],
        ],
        's',
      ),
      timeseries(
        'Worktree job p90 by op and result',
        [
          [
            'histogram_quantile(0.9, sum by (le, op, result) (rate(nightshift_worktrees_job_duration_seconds_bucket[15m])))',
            '{{op}} {{result}}',
          ],
        ],
        's',
      ),
      timeseries('Hook failures (per hour)', [
        ['sum by (node, kind) (increase(nightshift_worktrees_hook_failures_total[1h]))', '{{node}} {{kind}}'],
      ]),
      timeseries('Sessions by outcome on the host (per hour)', [
        ['sum by (host, outcome) (increase(nightshift_sessions_total{host=~"$host"}[1h]))', '{{host}} {{outcome}}'],
      ]),
      timeseries('Host registered and beating (1 = up)', [
        ['max by (host) (nightshift_host_up{host=~"$host"})', '{{host}}'],
      ]),
    ],
    [variable('host', 'label_values(nightshift_host_slots, host)')],
  ),
  'nightshift-cost': dashboard('nightshift-cost', 'Nightshift / Cost', [
    stat('Spent in the last hour', 'nightshift:cost_usd:increase1h', 'currencyUSD'),
    stat('Budget per hour', 'max(nightshift_cost_budget_usd_per_hour)', 'currencyUSD'),
    stat('Spent in the last 24 h', 'sum(increase(nightshift_run_cost_usd_total[24h]))', 'currencyUSD'),
    stat('Runs in the last 24 h', 'sum(increase(nightshift_runs_total[24h]))'),
    timeseries(
      'USD per hour by model',
      [
        ['sum by (model) (increase(nightshift_run_cost_usd_total[1h]))', '{{model}}'],
        ['max(nightshift_cost_budget_usd_per_hour)', 'budget'],
      ],
      'currencyUSD',
    ),
    timeseries(
      'USD per hour by repo',
      [['sum by (repo) (increase(nightshift_run_cost_usd_total[1h]))', '{{repo}}']],
      'currencyUSD',
    ),
    timeseries(
      'USD per hour by account',
      [['sum by (account) (increase(nightshift_run_cost_usd_total[1h]))', '{{account}}']],
      'currencyUSD',
    ),
    timeseries('Tokens per hour by kind and model', [
      ['sum by (kind, model) (increase(nightshift_run_tokens_total[1h]))', '{{kind}} {{model}}'],
    ]),
    timeseries('As the runners count it since their start (USD, tokens per hour)', [
      ['sum by (model) (increase(nightshift_session_cost_usd_total[1h]))', '{{model}} USD'],
      ['sum by (model) (increase(nightshift_session_tokens_total[1h]))', '{{model}} tokens'],
    ]),
  ]),
  'nightshift-failures': dashboard('nightshift-failures', 'Nightshift / Failures and pauses', [
    stat('Failure ratio (1 h)', 'nightshift:run_failure_ratio:1h', 'percentunit'),
    stat('Stranded tickets', 'nightshift_tickets_stranded'),
    stat(
      'Moved to a human (24 h)',
      'sum(increase(nightshift_ticket_moves_total{to=~"(?i).*human.*"}[24h])) or vector(0)',
    ),
    stat('Exporter read errors (1 h)', 'sum(increase(nightshift_exporter_read_errors_total[1h]))'),
    timeseries('Failed runs per hour by outcome', [
      [
        `sum by (outcome) (increase(nightshift_runs_total{outcome=~"${FAILED}|rate_limited|auth_failed|no_changes"}[1h]))`,
        '{{outcome}}',
      ],
    ]),
    timeseries(
      'Session wall time p90 by outcome',
      [
        [
          'histogram_quantile(0.9, sum by (le, outcome) (rate(nightshift_session_duration_seconds_bucket[1h])))',
          '{{outcome}}',
        ],
      ],
      's',
    ),
    timeseries(
      'Pauses: seconds until reset, and age',
      [
        ['nightshift_pause_remaining_seconds', '{{scope}} until reset'],
        ['nightshift_pause_age_seconds', '{{scope}} paused for'],
        ['nightshift_pause_active', '{{scope}} active'],
      ],
      's',
    ),
    timeseries('Tracker: errors and scans (per hour)', [
      ['sum by (tracker, reason) (increase(nightshift_tracker_errors_total[1h]))', '{{tracker}} error {{reason}}'],
      ['sum by (result) (increase(nightshift_scans_total[1h]))', 'scans {{result}}'],
      ['time() - nightshift_tracker_last_success_timestamp_seconds', '{{tracker}} seconds since a good poll'],
    ]),
    timeseries(
      'Scan duration p90',
      [['histogram_quantile(0.9, sum by (le) (rate(nightshift_scan_duration_seconds_bucket[15m])))', 'p90']],
      's',
    ),
    timeseries('Intake (per hour)', [
      ['sum by (source) (increase(nightshift_intake_enqueued_total[1h]))', 'offered ({{source}})'],
      ['sum by (decision) (increase(nightshift_intake_decisions_total[1h]))', 'router: {{decision}}'],
      ['sum by (source, result) (increase(nightshift_webhooks_total[1h]))', 'webhook {{source}} {{result}}'],
    ]),
    timeseries('Tool calls refused for lack of a permission rule (per hour)', [
      ['sum by (repo, tool) (increase(nightshift_agent_permission_denials_total[1h]))', '{{repo}} {{tool}}'],
    ]),
    timeseries('Sandbox egress refused by the allowlist proxy (per hour)', [
      ['sum by (repo) (increase(nightshift_sandbox_egress_denied_total[1h]))', '{{repo}}'],
    ]),
    timeseries('Zombie-reaper kills (per hour)', [
      ['sum by (reason) (increase(nightshift_reaper_kills_total[1h]))', '{{reason}}'],
    ]),
    timeseries('Zombie-reaper: run records closed and stale claims released (per hour)', [
      ['sum(increase(nightshift_reaper_runs_closed_total[1h]))', 'runs closed'],
      ['sum(increase(nightshift_reaper_stale_claims_released_total[1h]))', 'claims released'],
    ]),
    timeseries('Tracker budget left (Linear: requests and complexity points)', [
      ['min by (tracker, kind) (nightshift_tracker_budget_remaining)', '{{tracker}} {{kind}}'],
    ]),
    timeseries('Tickets waiting in the queue state for a free slot (back-pressure), by capability', [
      ['sum by (capability) (nightshift_dispatch_waiting_tickets)', '{{capability}}'],
    ]),
    timeseries('Tracker polling slowed to stay within its budget (1 = slowed), and the interval it keeps', [
      ['max by (reason) (nightshift_tracker_poll_slowed)', 'slowed: {{reason}}'],
      ['max by (tracker) (nightshift_tracker_poll_interval_seconds)', '{{tracker}} poll interval (s)'],
    ]),
    timeseries('Feedback ignored from untrusted authors, by repo and source (per hour)', [
      ['sum by (repo, source) (increase(nightshift_feedback_ignored_total[1h]))', '{{repo}} {{source}}'],
    ]),
    timeseries('Memory recalls by result (per hour)', [
      ['sum by (result) (increase(nightshift_memory_recalls_total[1h]))', '{{result}}'],
    ]),
    timeseries(
      'Memory recall p90 (runner) and request p90 (consolidator)',
      [
        [
          'histogram_quantile(0.9, sum by (le) (rate(nightshift_memory_recall_duration_seconds_bucket[15m])))',
          'recall',
        ],
        [
          'histogram_quantile(0.9, sum by (le) (rate(nightshift_memory_request_duration_seconds_bucket[15m])))',
          'request',
        ],
      ],
      's',
    ),
    timeseries(
      'Oldest job per queue and state',
      [['nightshift_queue_oldest_job_age_seconds', '{{queue}} {{state}}']],
      's',
    ),
    timeseries('Pushes refused before they left (secret or protected path, per hour)', [
      ['sum by (repo, reason) (increase(nightshift_push_blocked_total[1h]))', '{{repo}} {{reason}}'],
    ]),
    timeseries(
      'Open PRs whose base moved, by what Nightshift did (per hour)',
      [['sum by (repo, result) (increase(nightshift_pr_rebases_total[1h]))', '{{repo}} {{result}}']],
      'short',
      'rebased: pushed with a lease on the commit Nightshift last pushed; lease_refused: a human pushed to the branch (noted, never overwritten); session: a conflict (or checks failing once rebased) went to a follow-up session; comment / capped: one note and the conflicts label.',
    ),
  ]),
};

/** Every dashboard as the JSON text the file provider loads, by file name. */
function renderDashboards() {
  return Object.fromEntries(
    Object.entries(DASHBOARDS).map(([uid, d]) => [`${uid}.json`, `${JSON.stringify(d, null, 2)}\n`]),
  );
}

module.exports = { renderDashboards };

if (require.main === module) {
  const dir = path.join(__dirname, 'dashboards');
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(renderDashboards())) fs.writeFileSync(path.join(dir, file), text);
  process.stdout.write(`wrote ${Object.keys(DASHBOARDS).length} dashboards to ${path.relative(process.cwd(), dir)}\n`);
}
