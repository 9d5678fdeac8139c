/** One line of `nightshift doctor`: what was checked, what was found, and on failure what to do. */
export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
  /** Nothing to check here (e.g. no Redis running yet): printed, never a failure. */
  skipped?: boolean;
  /** Works, but the operator should know (e.g. an external sandbox nothing checks): printed as WARN, never a failure. */
  warning?: boolean;
}

export type Check = () => Promise<CheckResult | CheckResult[]>;

export const pass = (name: string, detail: string): CheckResult => ({ name, ok: true, detail });
export const fail = (name: string, detail: string, fix: string): CheckResult => ({ name, ok: false, detail, fix });
export const skip = (name: string, detail: string): CheckResult => ({ name, ok: true, detail, skipped: true });
export const warn = (name: string, detail: string, fix: string): CheckResult => ({
  name,
  ok: true,
  detail,
  fix,
  warning: true,
});

/** Runs every check (each one's crash is its own failure, never the doctor's) and renders one line each. */
export async function runChecks(checks: Check[]): Promise<{ results: CheckResult[]; lines: string[] }> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    try {
      const r = await check();
      results.push(...(Array.isArray(r) ? r : [r]));
    } catch (err) {
      results.push(
        fail(
          check.name || 'check',
          `the check itself failed: ${(err as Error).message}`,
          'report this with the line above',
        ),
      );
    }
  }
  const width = Math.max(...results.map((r) => r.name.length));
  const lines = results.map(
    (r) =>
      `${r.skipped ? 'skip' : r.warning ? 'WARN' : r.ok ? 'ok  ' : 'FAIL'}  ${r.name.padEnd(width)}  ${r.detail}${r.fix ? ` — fix: ${r.fix}` : ''}`,
  );
  return { results, lines };
}
