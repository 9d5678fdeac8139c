import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { parse } from 'yaml';

/** The repository root (this file is apps/metrics-exporter/src/testing/). */
export const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const PROMETHEUS_DIR = path.join(REPO_ROOT, 'prometheus');
export const GRAFANA_DIR = path.join(REPO_ROOT, 'grafana');

/** promtool's path, or null when it is not installed (`apt-get install prometheus`). */
export function findPromtool(): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'promtool');
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  annotations?: Record<string, string>;
}

/** Every rule of prometheus/rules/*.yml. */
export function prometheusRules(): Rule[] {
  const dir = path.join(PROMETHEUS_DIR, 'rules');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .flatMap((f) =>
      (parse(readFileSync(path.join(dir, f), 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap(
        (g) => g.rules,
      ),
    );
}

interface Panel {
  title: string;
  targets?: Array<{ expr: string }>;
}
export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; definition: string }> };
}

/** The committed dashboards, by file name. */
export function committedDashboards(): Record<string, Dashboard> {
  const dir = path.join(GRAFANA_DIR, 'dashboards');
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => [f, JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Dashboard]),
  );
}

/** Every PromQL query of the dashboards (panel targets and variable queries), with where it is. */
export function dashboardQueries(): Array<{ where: string; expr: string }> {
  return Object.values(committedDashboards()).flatMap((d) => [
    ...d.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `${d.uid} / ${p.title}`, expr: t.expr }))),
    ...d.templating.list.map((v) => ({ where: `${d.uid} / $${v.name}`, expr: v.definition })),
  ]);
}

/** `nightshift_*` metric names a PromQL expression reads (recording-rule names use colons, so they are not matched). */
export function metricNamesIn(expr: string): string[] {
  return [...new Set(expr.match(/\bnightshift_[a-z0-9_]+/g) ?? [])];
}

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name === 'testing') return [];
    return statSync(full).isDirectory() ? walk(full) : full.endsWith('.ts') && !full.endsWith('.spec.ts') ? [full] : [];
  });

/** A prom-client definition (`name: 'nightshift_x'`) or the exporter's `gauge('nightshift_x', …)` / `counter(…)` helpers. */
const METRIC_DEFINITION = /(?:\bname:\s*|\b(?:gauge|counter)\(\s*)['"`](nightshift_[a-z0-9_]+)['"`]/g;

/**
 * Every `nightshift_*` metric name defined in the services' and libs' source, with the file that defines it.
 */
export function exportedMetricNames(): Map<string, string> {
  return new Map(metricDefinitions().map((d) => [d.name, d.file]));
}

export interface MetricDefinition {
  name: string;
  file: string;
  /** The label names, sorted; null when the definition does not list them literally. */
  labels: string[] | null;
}

/** `labelNames: ['a', 'b']` inside a prom-client definition. */
const LABEL_NAMES = /^[^]*?\blabelNames:\s*\[([^\]]*)\]/;
/** The helpers' third argument: `gauge('name', 'help', ['a', 'b'], …)`. */
const HELPER_LABELS = /^\s*,\s*(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`)\s*,\s*\[([^\]]*)\]/;

const labelList = (raw: string | undefined): string[] | null =>
  raw === undefined
    ? null
    : [...raw.matchAll(/['"`]([^'"`]+)['"`]/g)].map((m) => m[1]!).sort((a, b) => a.localeCompare(b));

/**
 * Every definition of a `nightshift_*` metric in the services' and libs' source, one entry per
 * definition (a name defined twice appears twice), with its label names where they are written out.
 */
export function metricDefinitions(): MetricDefinition[] {
  const found: MetricDefinition[] = [];
  for (const group of ['apps', 'libs']) {
    for (const file of walk(path.join(REPO_ROOT, group))) {
      const text = readFileSync(file, 'utf8');
      const matches = [...text.matchAll(METRIC_DEFINITION)];
      matches.forEach((m, i) => {
        const end = matches[i + 1]?.index ?? text.length;
        let rest = text.slice(m.index! + m[0].length, end);
        // A `name:` definition ends with its object literal.
        if (m[0].startsWith('name')) rest = rest.slice(0, (rest.indexOf('})') + 1 || rest.length + 1) - 1);
        const raw = m[0].startsWith('name') ? LABEL_NAMES.exec(rest)?.[1] : HELPER_LABELS.exec(rest)?.[1];
        // A definition with no labelNames at all has none.
        const labels =
          raw === undefined && m[0].startsWith('name') && !/\blabelNames\b/.test(rest) ? [] : labelList(raw);
        found.push({ name: m[1]!, file: path.relative(REPO_ROOT, file), labels });
      });
    }
  }
  return found;
}

/** Metrics rules or dashboards may query before their service exports them: name → who will. */
export function expectedFromOtherServices(): Record<string, string> {
  const raw = JSON.parse(
    readFileSync(path.join(PROMETHEUS_DIR, 'expected-from-other-services.json'), 'utf8'),
  ) as Record<string, string>;
  return Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith('_')));
}
