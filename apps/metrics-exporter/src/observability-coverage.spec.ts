import {
  committedDashboards,
  dashboardQueries,
  expectedFromOtherServices,
  exportedMetricNames,
  GRAFANA_DIR,
  metricDefinitions,
  metricNamesIn,
  prometheusRules,
} from './testing/observability-files';

const { renderDashboards } = require(`${GRAFANA_DIR}/build-dashboards.js`) as {
  renderDashboards(): Record<string, string>;
};

const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

describe('dashboards and rules against the metrics the code exports', () => {
  const exported = exportedMetricNames();
  const expected = expectedFromOtherServices();
  const queried = [
    ...prometheusRules().map((r) => ({ where: `rule ${r.alert ?? r.record}`, expr: r.expr })),
    ...dashboardQueries(),
  ];
  /** The metric a series name belongs to (`x_bucket` of the histogram `x`). */
  const metricOf = (series: string) => (exported.has(series) ? series : series.replace(HISTOGRAM_SERIES, ''));

  it('finds the metrics of every service in the code (the scan itself works)', () => {
    for (const name of [
      'nightshift_sessions_total',
      'nightshift_worktrees_live',
      'nightshift_scans_total',
      'nightshift_intake_decisions_total',
      'nightshift_queue_jobs',
      'nightshift_runs_total',
    ]) {
      expect(exported.has(name)).toBe(true);
    }
  });

  it('every metric a panel or rule queries is exported by some service, or listed as expected from another one', () => {
    const missing = queried.flatMap((q) =>
      metricNamesIn(q.expr)
        .filter((m) => !exported.has(metricOf(m)) && !(m in expected))
        .map((m) => `${m} (${q.where})`),
    );
    expect(missing).toEqual([]);
  });

  it('every exported nightshift_* metric appears in some panel or rule', () => {
    const used = new Set(queried.flatMap((q) => metricNamesIn(q.expr).map(metricOf)));
    const unused = [...exported]
      .filter(([name]) => !used.has(name))
      .map(([name, file]) => `${name} (defined in ${file})`);
    expect(unused).toEqual([]);
  });

  it('lists as expected only metrics no service exports yet (remove a name here once its service lands)', () => {
    const landed = Object.keys(expected).filter((name) => exported.has(name));
    expect(landed).toEqual([]);
    const queriedNames = new Set(queried.flatMap((q) => metricNamesIn(q.expr)));
    expect(Object.keys(expected).filter((name) => !queriedNames.has(name))).toEqual([]);
  });
});

describe('metric definitions: one name, one meaning', () => {
  const definitions = metricDefinitions();

  it('reads label names from both ways of defining a metric (the scan itself works)', () => {
    const labelsOf = (name: string) => definitions.find((d) => d.name === name)?.labels;
    expect(labelsOf('nightshift_runs_total')).toEqual(['model', 'outcome', 'repo']);
    expect(labelsOf('nightshift_sessions_total')).toEqual(['host', 'model', 'outcome', 'repo']);
    expect(labelsOf('nightshift_tickets_stranded')).toEqual([]);
  });

  it('defines each metric name once (two services exporting one name under two meanings add up wrong)', () => {
    const files = new Map<string, string[]>();
    for (const d of definitions) files.set(d.name, [...(files.get(d.name) ?? []), d.file]);
    const twice = [...files]
      .filter(([, where]) => where.length > 1)
      .map(([name, where]) => `${name}: ${where.join(', ')}`);
    expect(twice).toEqual([]);
  });

  it('writes out the label names of every definition (so the checks here can read them)', () => {
    expect(definitions.filter((d) => d.labels === null).map((d) => `${d.name} (${d.file})`)).toEqual([]);
  });

  it('uses no label Prometheus owns (`job`, `instance` become `exported_job`, `exported_instance`)', () => {
    const clashes = definitions
      .filter((d) => d.labels?.some((l) => l === 'job' || l === 'instance'))
      .map((d) => `${d.name} {${d.labels!.join(',')}} (${d.file})`);
    expect(clashes).toEqual([]);
  });
});

describe('grafana/dashboards', () => {
  it('are exactly what grafana/build-dashboards.js generates (run it after editing the dashboards)', () => {
    const committed = Object.fromEntries(Object.entries(committedDashboards()).map(([file, d]) => [file, d]));
    const generated = Object.fromEntries(
      Object.entries(renderDashboards()).map(([file, text]) => [file, JSON.parse(text) as unknown]),
    );
    expect(committed).toEqual(generated);
  });

  it('have stable uids named like their files, and each an overview, per-repo, per-host, cost or failures board', () => {
    const dashboards = committedDashboards();
    for (const [file, d] of Object.entries(dashboards)) expect(`${d.uid}.json`).toBe(file);
    expect(
      Object.values(dashboards)
        .map((d) => d.uid)
        .sort(),
    ).toEqual(['nightshift-cost', 'nightshift-failures', 'nightshift-host', 'nightshift-overview', 'nightshift-repo']);
  });
});
