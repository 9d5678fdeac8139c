import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Validated configs by content: a command whose nightshift.yaml has not changed since the last
 * validation reads the result back instead of loading yaml and zod and building the schema, which is
 * most of a short CLI command's start-up. The key covers the file's path, its text and the built
 * schema file (a rebuilt Nightshift never reads an entry an older schema wrote); only successes are
 * kept. Entries are private to the user (0700 folder, 0600 files): a config may hold a Redis password.
 */
export class ConfigCache {
  constructor(private readonly dir = path.join(os.tmpdir(), `nightshift-config-cache-${process.getuid?.() ?? 'user'}`)) {}

  read<T>(file: string, text: string): T | undefined {
    try {
      return JSON.parse(readFileSync(this.entry(file, text), 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  write(file: string, text: string, value: unknown): void {
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const entry = this.entry(file, text);
      const tmp = `${entry}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(value), { mode: 0o600 });
      renameSync(tmp, entry);
    } catch {
      // A cache that cannot be written only costs the next command its validation.
    }
  }

  private entry(file: string, text: string): string {
    const key = createHash('sha256').update(file).update('\0').update(text).update('\0').update(schemaStamp()).digest('hex');
    return path.join(this.dir, `${key}.json`);
  }
}

let stamp: string | undefined;
function schemaStamp(): string {
  if (stamp === undefined) {
    const schemaFile = require.resolve('./schema');
    const s = statSync(schemaFile);
    stamp = `${schemaFile}:${s.size}:${s.mtimeMs}`;
  }
  return stamp;
}
