import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The CLI's version, from its package.json (one folder above both `src/` and `dist/`). */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}
