import { escapeForTerminal } from '@nightshift/domain';

/** Plain aligned columns for the terminal (control characters in a cell shown escaped); `--json` is there for scripts. */
export function formatTable(headers: string[], cells: string[][]): string {
  const rows = cells.map((r) => r.map((c) => escapeForTerminal(c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** Prints `items` as pretty JSON (`--json`, for scripts) or as an aligned table (for people). */
export function printList<T>(
  items: T[],
  json: boolean | undefined,
  headers: string[],
  row: (item: T) => string[],
): void {
  process.stdout.write(`${json ? JSON.stringify(items, null, 2) : formatTable(headers, items.map(row))}\n`);
}
