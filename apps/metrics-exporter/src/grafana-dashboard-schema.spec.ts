import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import ts from 'typescript';

import { committedDashboards, REPO_ROOT } from './testing/observability-files';

/**
 * The committed dashboards against Grafana's own dashboard schema, as Grafana publishes it in typed form
 * (@grafana/grafana-foundation-sdk, generated from the schema Grafana validates dashboards with). Grafana
 * itself cannot run here, so each JSON file is type-checked as a literal of that type: a misspelt field
 * (excess property), a missing required one, a wrong enum value or a query that is not a Prometheus query
 * fails, naming the dashboard and the path.
 */

// Inside the repo so the SDK resolves from node_modules; removed after the run.
const DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'nightshift-dashboard-schema');

/** JSON as the SDK's types describe it: string enums as their values, queries as Prometheus queries, no methods. */
const PRELUDE = `
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';

type Json<T> = 0 extends 1 & T
  ? unknown
  : T extends cog.Dataquery
    ? Json<Omit<prometheus.Dataquery, '_implementsDataqueryVariant'>>
    : T extends string
      ? \`\${T}\`
      : T extends readonly (infer U)[]
        ? Json<U>[]
        : T extends object
          ? { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: Json<T[K]> }
          : T;
`;

function diagnostics(files: Record<string, string>): string[] {
  const program = ts.createProgram(
    Object.keys(files).map((f) => path.join(DIR, f)),
    {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      types: [],
    },
  );
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file
      ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
      : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

/** Type-checks each dashboard (by file name) as a `dashboard.Dashboard`; returns the compiler's complaints. */
function checkDashboards(dashboards: Record<string, unknown>): string[] {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  try {
    writeFileSync(path.join(DIR, 'package.json'), '{ "type": "module" }\n');
    const files: Record<string, string> = {};
    for (const [file, json] of Object.entries(dashboards))
      files[file.replace(/\.json$/, '.mts')] =
        `${PRELUDE}\nexport const dashboardJson: Json<dashboard.Dashboard> = ${JSON.stringify(json, null, 2)};\n`;
    for (const [file, text] of Object.entries(files)) writeFileSync(path.join(DIR, file), text);
    return diagnostics(files);
  } finally {
    rmSync(DIR, { recursive: true, force: true });
  }
}

jest.setTimeout(120_000);

describe("grafana/dashboards against Grafana's dashboard schema (foundation SDK types)", () => {
  const committed = committedDashboards();
  const [file, good] = Object.entries(committed)[0]!;
  const panel = (good.panels as unknown as Array<Record<string, unknown>>)[0]!;
  const broken = (n: number) => `broken-${n}-${file}`;
  let found: string[];
  // One compile for all (the compiler is the slow part): the committed dashboards, and three broken copies
  // that show the check refuses what Grafana's schema refuses.
  beforeAll(() => {
    found = checkDashboards({
      ...committed,
      [broken(1)]: { ...good, refersh: '30s' },
      [broken(2)]: { ...good, graphTooltip: 7 },
      [broken(3)]: { ...good, panels: [{ ...panel, targets: [{ refId: 'A', legendFormat: 'x' }] }] },
    });
  });

  it('accepts every committed dashboard', () => {
    expect(found.filter((d) => !d.startsWith('broken-'))).toEqual([]);
  });

  it('refuses a misspelt field, a wrong enum value and a query without its expression (the check itself works)', () => {
    expect(found).toEqual([
      expect.stringMatching(/^broken-1-.*refersh/s),
      expect.stringMatching(/^broken-2-.*DashboardCursorSync/s),
      expect.stringMatching(/^broken-3-.*'expr' is missing/s),
    ]);
  });
});
