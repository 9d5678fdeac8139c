import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { parse, stringify } from 'yaml';

import { dashboardQueries, findPromtool, PROMETHEUS_DIR, prometheusRules } from './testing/observability-files';

const promtool = findPromtool();
if (!promtool) {
  // CI installs it (.ci/run); locally the checks are skipped with this note rather than failing.
  process.stderr.write(
    'prometheus-rules.spec: promtool not found, skipping the promtool checks (apt-get install prometheus)\n',
  );
}
const withPromtool = promtool ? describe : describe.skip;

/** Runs promtool; returns its output, or throws with its output in the message. */
function run(...args: string[]): string {
  try {
    return execFileSync(promtool!, args, { cwd: PROMETHEUS_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

it('has promtool in CI (the skip is only for machines without the prometheus package)', () => {
  if (process.env['CI']) expect(promtool).not.toBeNull();
  else expect(typeof promtool === 'string' || promtool === null).toBe(true);
});

withPromtool('prometheus/ checked by promtool', () => {
  it('promtool check config accepts prometheus.yml and the rule files it loads', () => {
    expect(run('check', 'config', 'prometheus.yml')).toMatch(/SUCCESS: prometheus\.yml is valid/);
  });

  it('promtool check rules accepts every rule file', () => {
    expect(run('check', 'rules', 'rules/nightshift.recording.yml', 'rules/nightshift.alerts.yml')).not.toMatch(
      /FAILED/,
    );
  });

  it('promtool test rules passes the unit tests of the alerts', () => {
    expect(run('test', 'rules', 'tests/nightshift.alerts.test.yml')).toMatch(/SUCCESS/);
  });

  it('every dashboard query is valid PromQL (checked as a recording rule)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ns-promql-'));
    try {
      // Template variables are Grafana's, not PromQL: give them a value first.
      const rules = dashboardQueries()
        .filter((q) => !q.expr.startsWith('label_values('))
        .map((q, i) => ({ record: `nightshift:dashboard_query_${i}`, expr: q.expr.replace(/\$\w+/g, '.*') }));
      const file = path.join(dir, 'dashboards.yml');
      writeFileSync(file, stringify({ groups: [{ name: 'dashboards', rules }] }));
      expect(run('check', 'rules', file)).toContain(`SUCCESS: ${rules.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('alert rules', () => {
  const alerts = prometheusRules().filter((r) => r.alert);
  const tests = parse(readFileSync(path.join(PROMETHEUS_DIR, 'tests/nightshift.alerts.test.yml'), 'utf8')) as {
    tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
  };
  const cases = tests.tests.flatMap((t) => t.alert_rule_test ?? []);

  it.each(alerts.map((a) => [a.alert!]))(
    '%s has a promtool test in which it fires and one in which it stays quiet',
    (name) => {
      expect(cases.filter((c) => c.alertname === name && c.exp_alerts.length > 0).length).toBeGreaterThan(0);
      expect(cases.filter((c) => c.alertname === name && c.exp_alerts.length === 0).length).toBeGreaterThan(0);
    },
  );

  it.each(alerts.map((a) => [a.alert!, a]))(
    '%s has a runbook_url pointing at its own section of docs/runbook.md',
    (name, rule) => {
      const doc = readFileSync(path.join(PROMETHEUS_DIR, '../docs/runbook.md'), 'utf8');
      const anchors = [...doc.matchAll(/^#{2,4} (.+)$/gm)].map((m) =>
        m[1]!
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      );
      const url = (rule as { annotations?: Record<string, string> }).annotations?.['runbook_url'];
      expect(url).toBe(`docs/runbook.md#${(name as string).toLowerCase()}`);
      expect(anchors).toContain(url!.split('#')[1]);
    },
  );

  it('docs/runbook.md has no section for an alert that does not exist', () => {
    const doc = readFileSync(path.join(PROMETHEUS_DIR, '../docs/runbook.md'), 'utf8');
    const sections = [...doc.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(sections.sort()).toEqual(alerts.map((a) => a.alert).sort());
  });

  it.each(alerts.map((a) => [a.alert!, a]))(
    '%s says what is wrong and what to do (summary and runbook)',
    (_name, rule) => {
      expect((rule as { annotations?: Record<string, string> }).annotations).toEqual(
        expect.objectContaining({ summary: expect.any(String), runbook: expect.stringMatching(/.{80,}/) }),
      );
    },
  );
});
